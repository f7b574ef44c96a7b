using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class UserEngineShareConfiguration : IEntityTypeConfiguration<UserEngineShare>
{
    public void Configure(EntityTypeBuilder<UserEngineShare> builder)
    {
        builder.HasKey(s => s.UserId);
        builder.HasOne(s => s.User).WithOne().HasForeignKey<UserEngineShare>(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
