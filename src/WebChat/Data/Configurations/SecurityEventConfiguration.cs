using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class SecurityEventConfiguration : IEntityTypeConfiguration<SecurityEvent>
{
    public void Configure(EntityTypeBuilder<SecurityEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Kind).HasMaxLength(32);
        builder.Property(e => e.Account).HasMaxLength(256);
        builder.Property(e => e.ClientAddress).HasMaxLength(64);
        builder.HasIndex(e => e.At);
    }
}
