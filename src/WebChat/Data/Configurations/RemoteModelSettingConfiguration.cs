using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class RemoteModelSettingConfiguration : IEntityTypeConfiguration<RemoteModelSetting>
{
    public void Configure(EntityTypeBuilder<RemoteModelSetting> builder)
    {
        builder.HasKey(m => m.ModelName);
        builder.Property(m => m.ModelName).HasMaxLength(256);
        builder.Property(m => m.DisplayName).HasMaxLength(128);
    }
}
