using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class InstalledModelConfiguration : IEntityTypeConfiguration<InstalledModel>
{
    public void Configure(EntityTypeBuilder<InstalledModel> builder)
    {
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasMaxLength(512);
        builder.Property(m => m.Repo).HasMaxLength(256);
        builder.Property(m => m.Revision).HasMaxLength(128);
        builder.Property(m => m.FileName).HasMaxLength(256);
        builder.Property(m => m.RelativePath).HasMaxLength(1024);
        builder.Property(m => m.Sha256).HasMaxLength(64);
        builder.Property(m => m.Architecture).HasMaxLength(64);
        builder.Property(m => m.Quantization).HasMaxLength(32);
        builder.Property(m => m.Source).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(m => m.RelativePath).IsUnique();
        builder.Property(m => m.DisplayName).HasMaxLength(128);
        builder.Property(m => m.ReasoningTag).HasMaxLength(32);
    }
}
