using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class KnowledgeDocumentConfiguration : IEntityTypeConfiguration<KnowledgeDocument>
{
    public void Configure(EntityTypeBuilder<KnowledgeDocument> builder)
    {
        builder.Property(d => d.FileName).HasMaxLength(260);
        builder.Property(d => d.Sha256).HasMaxLength(64);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(d => d.UploadedById);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(d => d.UploadedById).OnDelete(DeleteBehavior.Cascade);
    }
}
