using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Services.Accounts;

namespace WebChat.Data.Configurations;

/// <summary>Seeds the two roles in the migration, so no start-up code has to create them.</summary>
internal sealed class IdentityRoleConfiguration : IEntityTypeConfiguration<IdentityRole>
{
    public void Configure(EntityTypeBuilder<IdentityRole> builder) =>
        builder.HasData(
            new IdentityRole(Roles.Admin) { Id = "6f1d3c1e-0000-4000-8000-000000000001", NormalizedName = "ADMIN", ConcurrencyStamp = "admin-role" },
            new IdentityRole(Roles.User) { Id = "6f1d3c1e-0000-4000-8000-000000000002", NormalizedName = "USER", ConcurrencyStamp = "user-role" });
}
