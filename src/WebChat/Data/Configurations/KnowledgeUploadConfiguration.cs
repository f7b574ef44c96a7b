using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class KnowledgeUploadConfiguration : IEntityTypeConfiguration<KnowledgeUpload>
{
    public void Configure(EntityTypeBuilder<KnowledgeUpload> builder)
    {
        builder.HasKey(u => u.DocumentId);
        builder.HasOne<KnowledgeDocument>().WithOne().HasForeignKey<KnowledgeUpload>(u => u.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
