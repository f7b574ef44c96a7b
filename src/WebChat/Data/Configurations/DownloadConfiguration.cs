using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class DownloadConfiguration : IEntityTypeConfiguration<Download>
{
    public void Configure(EntityTypeBuilder<Download> builder)
    {
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Repo).HasMaxLength(256);
        builder.Property(d => d.Revision).HasMaxLength(128);
        builder.Property(d => d.FileName).HasMaxLength(256);
        builder.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(d => new { d.Repo, d.Revision, d.FileName });
        builder.HasIndex(d => d.State);
        builder.Property(d => d.Node).HasMaxLength(128);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(d => d.RequestedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}
