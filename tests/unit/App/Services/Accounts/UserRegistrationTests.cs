using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Tests.Unit.App.Data;

namespace WebChat.Tests.Unit.App.Services.Accounts;

public sealed class UserRegistrationTests
{
    private const string Password = "Passw0rd!";

    [Theory]
    [BothProviders]
    public async Task The_first_account_becomes_admin_and_the_second_becomes_user(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);

        var first = await RegisterAsync(app, "first@example.test");
        var second = await RegisterAsync(app, "second@example.test");

        Assert.Equal(Roles.Admin, first.Role);
        Assert.Equal(Roles.User, second.Role);
        Assert.Equal([Roles.Admin], await RolesInDatabaseAsync(app, "first@example.test"));
        Assert.Equal([Roles.User], await RolesInDatabaseAsync(app, "second@example.test"));
    }

    [Theory]
    [BothProviders]
    public async Task Accounts_registered_at_the_same_moment_on_an_empty_database_make_exactly_one_admin(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => RegisterAsync(app, $"racer{i}@example.test"))));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Single(results, r => r.Role == Roles.Admin);
    }

    [Theory]
    [BothProviders]
    public async Task Closed_registration_refuses_a_new_account_and_creates_nothing(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        await app.Services.GetRequiredService<RegistrationPolicy>().SetModeAsync(Actors.Admin, RegistrationMode.Closed);

        var refused = await RegisterAsync(app, "late@example.test");

        Assert.False(refused.Succeeded);
        Assert.Equal([UserRegistration.ClosedMessage], refused.Errors);
        Assert.Null(await FindAsync(app, "late@example.test"));
    }

    [Theory]
    [BothProviders]
    public async Task Closed_registration_in_configuration_still_lets_the_first_account_in(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider, ("WebChat:AllowRegistration", "false"));

        var first = await RegisterAsync(app, "admin@example.test");
        var second = await RegisterAsync(app, "second@example.test");

        Assert.Equal(Roles.Admin, first.Role);
        Assert.False(second.Succeeded);
    }

    [Theory]
    [BothProviders]
    public async Task The_admin_choice_in_the_database_overrides_the_configured_default(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider, ("WebChat:AllowRegistration", "false"));
        var policy = app.Services.GetRequiredService<RegistrationPolicy>();
        Assert.False(await policy.IsOpenAsync());

        await policy.SetModeAsync(Actors.Admin, RegistrationMode.Open);

        Assert.True(await policy.IsOpenAsync());
    }

    [Theory]
    [BothProviders]
    public async Task A_password_below_identity_defaults_is_refused_with_identity_messages(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);

        var result = await RegisterAsync(app, "weak@example.test", "short");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("at least 6 characters", StringComparison.Ordinal));
        Assert.Null(await FindAsync(app, "weak@example.test"));
    }

    [Theory]
    [BothProviders]
    public async Task A_non_admin_cannot_open_or_close_registration_and_nothing_is_stored_while_an_admin_can(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var policy = app.Services.GetRequiredService<RegistrationPolicy>();
        var before = await policy.GetModeAsync();

        var refused = await Assert.ThrowsAsync<AdminAccessDeniedException>(() => policy.SetModeAsync(Actors.User, RegistrationMode.Closed));

        Assert.Equal(AdminPermissions.AdminOnlyReason, refused.Message);
        Assert.Equal(before, await policy.GetModeAsync());
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            Assert.False(await db.AppSettings.AnyAsync(s => s.Key == RegistrationPolicy.SettingKey));
        }

        await policy.SetModeAsync(Actors.Admin, RegistrationMode.Closed);
        Assert.Equal(RegistrationMode.Closed, await policy.GetModeAsync());
    }

    [Theory]
    [BothProviders]
    public async Task With_approval_needed_a_new_account_waits_cannot_be_used_until_an_admin_approves_it(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        await app.Services.GetRequiredService<RegistrationPolicy>().SetModeAsync(Actors.Admin, RegistrationMode.ApprovalNeeded);
        var access = app.Services.GetRequiredService<IUserAccessState>();

        var waiting = await RegisterAsync(app, "newcomer@example.test");

        Assert.True(waiting is { Succeeded: true, PendingApproval: true, Role: Roles.User });
        Assert.NotNull((await FindAsync(app, "newcomer@example.test"))!.PendingApprovalSince);
        Assert.False(await access.IsActiveAsync(waiting.User!.Id), "a waiting account's cookie or API key must not work");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var approved = await scope.ServiceProvider.GetRequiredService<AccountControl>().ApproveAsync(Actors.Admin, waiting.User.Id);
            Assert.True(approved.Succeeded, approved.Problem);
        }

        access.Forget(waiting.User.Id);
        Assert.True(await access.IsActiveAsync(waiting.User.Id));
        Assert.Null((await FindAsync(app, "newcomer@example.test"))!.PendingApprovalSince);
    }

    [Theory]
    [BothProviders]
    public async Task Rejecting_a_waiting_account_deletes_it_and_approve_or_reject_of_an_approved_one_is_refused(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var active = await RegisterAsync(app, "active@example.test");
        await app.Services.GetRequiredService<RegistrationPolicy>().SetModeAsync(Actors.Admin, RegistrationMode.ApprovalNeeded);
        var waiting = await RegisterAsync(app, "spam@example.test");
        await using var scope = app.Services.CreateAsyncScope();
        var control = scope.ServiceProvider.GetRequiredService<AccountControl>();

        Assert.Equal(AdminPermissions.AdminOnlyReason, (await Assert.ThrowsAsync<AdminAccessDeniedException>(() => control.RejectAsync(Actors.User, waiting.User!.Id))).Message);
        var rejected = await control.RejectAsync(Actors.Admin, waiting.User!.Id);
        var rejectActive = await control.RejectAsync(Actors.Admin, active.User!.Id);
        var approveActive = await control.ApproveAsync(Actors.Admin, active.User.Id);

        Assert.True(rejected.Succeeded, rejected.Problem);
        Assert.Null(await FindAsync(app, "spam@example.test"));
        Assert.Equal(AccountControl.NotPendingMessage, rejectActive.Problem);
        Assert.Equal(AccountControl.NotPendingMessage, approveActive.Problem);
        Assert.NotNull(await FindAsync(app, "active@example.test"));
    }

    [Theory]
    [BothProviders]
    public async Task Approval_needed_in_configuration_is_the_default_mode_and_the_first_account_never_waits(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider, ("WebChat:RegistrationNeedsApproval", "true"));

        var first = await RegisterAsync(app, "admin@example.test");
        var second = await RegisterAsync(app, "second@example.test");

        Assert.Equal(RegistrationMode.ApprovalNeeded, await app.Services.GetRequiredService<RegistrationPolicy>().GetModeAsync());
        Assert.True(first is { Role: Roles.Admin, PendingApproval: false });
        Assert.True(second.PendingApproval);
    }

    [Theory]
    [BothProviders]
    public async Task An_open_or_closed_choice_stored_before_modes_existed_is_still_honoured(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            db.AppSettings.Add(new AppSetting { Key = RegistrationPolicy.LegacySettingKey, Value = "False" });
            await db.SaveChangesAsync();
        }

        var policy = app.Services.GetRequiredService<RegistrationPolicy>();
        Assert.Equal(RegistrationMode.Closed, await policy.GetModeAsync());

        await policy.SetModeAsync(Actors.Admin, RegistrationMode.ApprovalNeeded);
        Assert.Equal(RegistrationMode.ApprovalNeeded, await policy.GetModeAsync());
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
