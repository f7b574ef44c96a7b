using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;

namespace WebChat.Tests.Unit.App.Services.Accounts;

public sealed class UserRegistrationTests
{
    private const string Password = "Passw0rd!";

    [Fact]
    public async Task The_first_account_becomes_admin_and_the_second_becomes_user()
    {
        await using var app = await AppServicesHost.StartAsync();

        var first = await RegisterAsync(app, "first@example.test");
        var second = await RegisterAsync(app, "second@example.test");

        Assert.Equal(Roles.Admin, first.Role);
        Assert.Equal(Roles.User, second.Role);
        Assert.Equal([Roles.Admin], await RolesInDatabaseAsync(app, "first@example.test"));
        Assert.Equal([Roles.User], await RolesInDatabaseAsync(app, "second@example.test"));
    }

    [Fact]
    public async Task Accounts_registered_at_the_same_moment_on_an_empty_database_make_exactly_one_admin()
    {
        await using var app = await AppServicesHost.StartAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => RegisterAsync(app, $"racer{i}@example.test"))));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Single(results, r => r.Role == Roles.Admin);
    }

    [Fact]
    public async Task Closed_registration_refuses_a_new_account_and_creates_nothing()
    {
        await using var app = await AppServicesHost.StartAsync();
        await RegisterAsync(app, "admin@example.test");
        await app.Services.GetRequiredService<RegistrationPolicy>().SetOpenAsync(Actors.Admin, false);

        var refused = await RegisterAsync(app, "late@example.test");

        Assert.False(refused.Succeeded);
        Assert.Equal([UserRegistration.ClosedMessage], refused.Errors);
        Assert.Null(await FindAsync(app, "late@example.test"));
    }

    [Fact]
    public async Task Closed_registration_in_configuration_still_lets_the_first_account_in()
    {
        await using var app = await AppServicesHost.StartAsync(("WebChat:AllowRegistration", "false"));

        var first = await RegisterAsync(app, "admin@example.test");
        var second = await RegisterAsync(app, "second@example.test");

        Assert.Equal(Roles.Admin, first.Role);
        Assert.False(second.Succeeded);
    }

    [Fact]
    public async Task The_admin_choice_in_the_database_overrides_the_configured_default()
    {
        await using var app = await AppServicesHost.StartAsync(("WebChat:AllowRegistration", "false"));
        var policy = app.Services.GetRequiredService<RegistrationPolicy>();
        Assert.False(await policy.IsOpenAsync());

        await policy.SetOpenAsync(Actors.Admin, true);

        Assert.True(await policy.IsOpenAsync());
    }

    [Fact]
    public async Task A_password_below_identity_defaults_is_refused_with_identity_messages()
    {
        await using var app = await AppServicesHost.StartAsync();

        var result = await RegisterAsync(app, "weak@example.test", "short");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("at least 6 characters", StringComparison.Ordinal));
        Assert.Null(await FindAsync(app, "weak@example.test"));
    }

    [Fact]
    public async Task A_non_admin_cannot_open_or_close_registration_and_nothing_is_stored_while_an_admin_can()
    {
        await using var app = await AppServicesHost.StartAsync();
        await RegisterAsync(app, "admin@example.test");
        var policy = app.Services.GetRequiredService<RegistrationPolicy>();
        var before = await policy.IsOpenAsync();

        var refused = await Assert.ThrowsAsync<AdminAccessDeniedException>(() => policy.SetOpenAsync(Actors.User, !before));

        Assert.Equal(AdminPermissions.AdminOnlyReason, refused.Message);
        Assert.Equal(before, await policy.IsOpenAsync());
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            Assert.False(await db.AppSettings.AnyAsync(s => s.Key == RegistrationPolicy.SettingKey));
        }

        await policy.SetOpenAsync(Actors.Admin, !before);
        Assert.Equal(!before, await policy.IsOpenAsync());
    }

    private static async Task<RegistrationResult> RegisterAsync(AppServicesHost app, string email, string password = Password)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(email, password);
    }

    private static async Task<ApplicationUser?> FindAsync(AppServicesHost app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
    }

    private static async Task<IList<string>> RolesInDatabaseAsync(AppServicesHost app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.GetRolesAsync((await users.FindByEmailAsync(email))!);
    }
}
