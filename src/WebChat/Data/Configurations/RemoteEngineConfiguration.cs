using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class RemoteEngineConfiguration : IEntityTypeConfiguration<RemoteEngine>
{
    public void Configure(EntityTypeBuilder<RemoteEngine> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Name).HasMaxLength(80);
        builder.HasIndex(e => e.Name).IsUnique();
        builder.Property(e => e.BaseUrl).HasMaxLength(500);
        builder.Property(e => e.Kind).HasMaxLength(20);
        builder.Property(e => e.ProtectedApiKey).HasMaxLength(4000);
    }
}
