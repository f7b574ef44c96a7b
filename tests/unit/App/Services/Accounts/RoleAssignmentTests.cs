using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Tests.Unit.App.Data;

namespace WebChat.Tests.Unit.App.Services.Accounts;

public sealed class RoleAssignmentTests
{
    [Theory]
    [BothProviders]
    public async Task A_user_made_admin_holds_only_the_admin_role_and_must_sign_in_again_for_it(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var stampBefore = user.SecurityStamp;

        var problem = await SetAdminAsync(app, user.Id, admin: true);

        Assert.Null(problem);
        var (roles, stamp) = await RolesAndStampAsync(app, user.Id);
        Assert.Equal([Roles.Admin], roles);
        Assert.NotEqual(stampBefore, stamp);
    }

    [Theory]
    [BothProviders]
    public async Task The_only_admin_cannot_be_demoted(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        var admin = await RegisterAsync(app, "admin@example.test");

        var problem = await SetAdminAsync(app, admin.Id, admin: false);

        Assert.Equal(RoleAssignment.LastAdminMessage, problem);
        Assert.Equal([Roles.Admin], (await RolesAndStampAsync(app, admin.Id)).Roles);
    }

    [Theory]
    [BothProviders]
    public async Task An_admin_can_be_demoted_once_another_admin_exists(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        var first = await RegisterAsync(app, "admin@example.test");
        var second = await RegisterAsync(app, "second@example.test");
        await SetAdminAsync(app, second.Id, admin: true);

        var problem = await SetAdminAsync(app, first.Id, admin: false);

        Assert.Null(problem);
        Assert.Equal([Roles.User], (await RolesAndStampAsync(app, first.Id)).Roles);
    }

    [Theory]
    [BothProviders]
    public async Task A_non_admin_cannot_make_anyone_an_admin_and_the_roles_stay_while_an_admin_can(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var before = await RolesAndStampAsync(app, user.Id);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var refused = await Assert.ThrowsAsync<AdminAccessDeniedException>(
                () => scope.ServiceProvider.GetRequiredService<RoleAssignment>().SetAdminAsync(Actors.User, user.Id, admin: true));
            Assert.Equal(AdminPermissions.AdminOnlyReason, refused.Message);
        }

        var after = await RolesAndStampAsync(app, user.Id);
        Assert.Equal([Roles.User], after.Roles);
        Assert.Equal(before.Stamp, after.Stamp);
        Assert.Null(await SetAdminAsync(app, user.Id, admin: true));
        Assert.Equal([Roles.Admin], (await RolesAndStampAsync(app, user.Id)).Roles);
    }

    private static async Task<ApplicationUser> RegisterAsync(AppServicesHost app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(email, "Passw0rd!");
        return result.User!;
    }

    private static async Task<string?> SetAdminAsync(AppServicesHost app, string userId, bool admin)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RoleAssignment>().SetAdminAsync(Actors.Admin, userId, admin);
    }

    private static async Task<(IList<string> Roles, string? Stamp)> RolesAndStampAsync(AppServicesHost app, string userId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByIdAsync(userId))!;
        return (await users.GetRolesAsync(user), user.SecurityStamp);
    }
}
