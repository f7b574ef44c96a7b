using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class PresetChoiceConfiguration : IEntityTypeConfiguration<PresetChoice>
{
    public void Configure(EntityTypeBuilder<PresetChoice> builder)
    {
        builder.HasKey(c => c.UserId);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Preset>().WithMany().HasForeignKey(c => c.PresetId).OnDelete(DeleteBehavior.Cascade);
    }
}
