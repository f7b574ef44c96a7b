using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> builder)
    {
        // No foreign keys on purpose: usage history outlives deleted users and conversations.
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Model).HasMaxLength(512);
        builder.Property(u => u.Engine).HasMaxLength(80);
        builder.Property(u => u.FinishReason).HasMaxLength(16);
        builder.Property(u => u.Preset).HasMaxLength(80);
        builder.HasIndex(u => u.CreatedAt);
        builder.HasIndex(u => u.UserId);
        builder.Property(u => u.Source).HasConversion<string>().HasMaxLength(8).HasDefaultValue(UsageSource.Chat);
        builder.HasIndex(u => u.ApiKeyId);
    }
}
