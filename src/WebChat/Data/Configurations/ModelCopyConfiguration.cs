using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class ModelCopyConfiguration : IEntityTypeConfiguration<ModelCopy>
{
    public void Configure(EntityTypeBuilder<ModelCopy> builder)
    {
        builder.HasKey(c => new { c.ModelId, c.Node });
        builder.Property(c => c.ModelId).HasMaxLength(512);
        builder.Property(c => c.Node).HasMaxLength(128);
        builder.HasOne<InstalledModel>().WithMany(m => m.Copies).HasForeignKey(c => c.ModelId).OnDelete(DeleteBehavior.Cascade);
    }
}
