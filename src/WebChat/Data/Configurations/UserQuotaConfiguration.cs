using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class UserQuotaConfiguration : IEntityTypeConfiguration<UserQuota>
{
    public void Configure(EntityTypeBuilder<UserQuota> builder)
    {
        builder.HasKey(q => q.UserId);
        builder.HasOne<ApplicationUser>().WithOne().HasForeignKey<UserQuota>(q => q.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
