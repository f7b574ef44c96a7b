using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Services.ApiKeys;
using WebChat.Tests.Unit.App.Data;

namespace WebChat.Tests.Unit.App.Services.Accounts;

public sealed class AccountControlTests
{
    [Theory]
    [BothProviders]
    public async Task Disabling_ends_access_and_tells_the_open_sessions_once_it_is_committed(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var access = app.Services.GetRequiredService<IUserAccessState>();
        Assert.True(await access.IsActiveAsync(user.Id));
        var heard = new List<(string UserId, bool ActiveWhenHeard)>();
        using var subscription = app.Services.GetRequiredService<AccountRevocations>()
            .Subscribe(id => heard.Add((id, access.IsActiveAsync(id).GetAwaiter().GetResult())));

        var result = await ActAsync(app, c => c.DisableAsync(Actors.Admin, user.Id));

        Assert.True(result.Succeeded);
        Assert.False(await access.IsActiveAsync(user.Id));
        Assert.Contains((user.Id, false), heard);
        Assert.NotEqual(user.SecurityStamp, (await access.GetAsync(user.Id))!.SecurityStamp);

        Assert.True((await ActAsync(app, c => c.EnableAsync(Actors.Admin, user.Id))).Succeeded);
        Assert.True(await access.IsActiveAsync(user.Id));
    }

    [Theory]
    [BothProviders]
    public async Task The_last_active_admin_can_be_neither_disabled_nor_deleted(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        var admin = await RegisterAsync(app, "admin@example.test");

        Assert.Equal(AccountControl.LastAdminMessage, (await ActAsync(app, c => c.DisableAsync(Actors.Admin, admin.Id))).Problem);
        Assert.Equal(AccountControl.LastAdminMessage, (await ActAsync(app, c => c.DeleteAsync(Actors.Admin, admin.Id, keepConversations: true))).Problem);
        Assert.True(await app.Services.GetRequiredService<IUserAccessState>().IsActiveAsync(admin.Id));
    }

    [Theory]
    [BothProviders]
    public async Task A_disabled_admin_does_not_count_so_the_other_admin_cannot_be_demoted(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        var first = await RegisterAsync(app, "admin@example.test");
        var second = await RegisterAsync(app, "second@example.test");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<RoleAssignment>().SetAdminAsync(Actors.Admin, second.Id, admin: true));
        }

        Assert.True((await ActAsync(app, c => c.DisableAsync(Actors.Admin, second.Id))).Succeeded);

        await using var demote = app.Services.CreateAsyncScope();
        Assert.Equal(RoleAssignment.LastAdminMessage, await demote.ServiceProvider.GetRequiredService<RoleAssignment>().SetAdminAsync(Actors.Admin, first.Id, admin: false));
    }

    [Theory]
    [BothProviders]
    public async Task Deleting_and_keeping_conversations_leaves_them_under_an_account_that_cannot_sign_in(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var conversationId = await AddConversationAsync(app, user.Id);

        Assert.True((await ActAsync(app, c => c.DeleteAsync(Actors.Admin, user.Id, keepConversations: true))).Succeeded);

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Null(await users.FindByEmailAsync("user@example.test"));
        var tombstone = (await users.FindByIdAsync(user.Id))!;
        Assert.False(tombstone.IsActive);
        Assert.False(await users.HasPasswordAsync(tombstone));
        Assert.True(await ConversationExistsAsync(app, conversationId));
        Assert.True((await RegisterAsync(app, "user@example.test")).Id != user.Id, "the e-mail is free again");
    }

    [Theory]
    [BothProviders]
    public async Task Deleting_with_conversations_removes_the_account_and_everything_it_wrote(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var conversationId = await AddConversationAsync(app, user.Id);

        Assert.True((await ActAsync(app, c => c.DeleteAsync(Actors.Admin, user.Id, keepConversations: false))).Succeeded);

        Assert.Null(await app.Services.GetRequiredService<IUserAccessState>().GetAsync(user.Id));
        Assert.False(await ConversationExistsAsync(app, conversationId));
    }

    [Theory]
    [BothProviders]
    public async Task A_reset_gives_a_temporary_password_that_works_must_be_changed_and_clears_a_lockout(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id))!, DateTimeOffset.UtcNow.AddHours(1));
        }

        var result = await ActAsync(app, c => c.ResetPasswordAsync(Actors.Admin, user.Id));

        Assert.True(result.Succeeded);
        Assert.Equal(16, result.TemporaryPassword!.Length);
        await using var check = app.Services.CreateAsyncScope();
        var manager = check.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var reset = (await manager.FindByIdAsync(user.Id))!;
        Assert.True(await manager.CheckPasswordAsync(reset, result.TemporaryPassword));
        Assert.False(await manager.CheckPasswordAsync(reset, "Passw0rd!"));
        Assert.True(reset.MustChangePassword);
        Assert.False(await manager.IsLockedOutAsync(reset));
        Assert.True((await app.Services.GetRequiredService<IUserAccessState>().GetAsync(user.Id))!.MustChangePassword);
    }

    [Theory]
    [BothProviders]
    public async Task An_action_in_a_tab_reads_the_account_fresh_after_it_changed_elsewhere_and_the_next_action_works_too(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        // One scope is one admin tab: it has already acted on the account once, so it holds a copy of the row.
        await using var tab = app.Services.CreateAsyncScope();
        var control = tab.ServiceProvider.GetRequiredService<AccountControl>();
        Assert.True((await control.SignOutEverywhereAsync(Actors.Admin, user.Id)).Succeeded);
        await using (var elsewhere = app.Services.CreateAsyncScope())
        {
            // One failed sign-in elsewhere changes the row (and its concurrency stamp).
            var users = elsewhere.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.AccessFailedAsync((await users.FindByIdAsync(user.Id))!)).Succeeded);
        }

        var disabled = await control.DisableAsync(Actors.Admin, user.Id);
        var disabledActive = await IsActiveInDatabaseAsync(app, user.Id);
        var enabled = await control.EnableAsync(Actors.Admin, user.Id);

        Assert.True(disabled.Succeeded, disabled.Problem);
        Assert.False(disabledActive, "Disable reported success but saved nothing");
        Assert.True(enabled.Succeeded, enabled.Problem);
        Assert.True(await IsActiveInDatabaseAsync(app, user.Id));
    }

    [Theory]
    [BothProviders]
    public async Task A_password_reset_and_sign_out_everywhere_revoke_the_accounts_api_keys(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var keys = Keys(app);
        var beforeReset = await keys.CreateAsync(user.Id, "integration");
        Assert.NotNull(await keys.AuthenticateAsync(beforeReset.Secret));

        Assert.True((await ActAsync(app, c => c.ResetPasswordAsync(Actors.Admin, user.Id))).Succeeded);
        var afterReset = await keys.AuthenticateAsync(beforeReset.Secret);
        var beforeSignOut = await keys.CreateAsync(user.Id, "second");
        Assert.True((await ActAsync(app, c => c.SignOutEverywhereAsync(Actors.Admin, user.Id))).Succeeded);

        Assert.Null(afterReset);
        Assert.Null(await keys.AuthenticateAsync(beforeSignOut.Secret));
        Assert.Empty(await keys.ListAsync(user.Id));
    }

    [Theory]
    [BothProviders]
    public async Task A_sign_in_lockout_leaves_the_accounts_api_keys_working(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var key = await Keys(app).CreateAsync(user.Id, "integration");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // Anyone who knows the e-mail can cause this with five wrong passwords.
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id))!, DateTimeOffset.UtcNow.AddHours(1));
        }

        Assert.Equal(user.Id, (await Keys(app).AuthenticateAsync(key.Secret))?.UserId);
    }

    [Theory]
    [BothProviders]
    public async Task A_non_admin_is_refused_every_account_action_and_the_account_is_unchanged_while_an_admin_can_act(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var key = await Keys(app).CreateAsync(user.Id, "integration");
        var before = await RowAsync(app, user.Id);
        Func<AccountControl, Task<AccountActionResult>>[] actions =
        [
            c => c.DisableAsync(Actors.User, user.Id),
            c => c.EnableAsync(Actors.User, user.Id),
            c => c.ResetPasswordAsync(Actors.User, user.Id),
            c => c.SignOutEverywhereAsync(Actors.User, user.Id),
            c => c.DeleteAsync(Actors.User, user.Id, keepConversations: true),
            c => c.DeleteAsync(Actors.User, user.Id, keepConversations: false),
        ];

        foreach (var action in actions)
        {
            var refused = await Assert.ThrowsAsync<AdminAccessDeniedException>(() => ActAsync(app, action));
            Assert.Equal(AdminPermissions.AdminOnlyReason, refused.Message);
        }

        var after = await RowAsync(app, user.Id);
        Assert.Equal(
            (before.Email, before.SecurityStamp, before.PasswordHash, before.DisabledAt, before.DeletedAt, before.MustChangePassword),
            (after.Email, after.SecurityStamp, after.PasswordHash, after.DisabledAt, after.DeletedAt, after.MustChangePassword));
        Assert.Equal(user.Id, (await Keys(app).AuthenticateAsync(key.Secret))?.UserId);
        Assert.True((await ActAsync(app, c => c.DisableAsync(Actors.Admin, user.Id))).Succeeded);
        Assert.False(await IsActiveInDatabaseAsync(app, user.Id));
    }

    private static async Task<ApplicationUser> RowAsync(AppServicesHost app, string userId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
    }

    private static ApiKeyService Keys(AppServicesHost app) => new(
        app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>(), TimeProvider.System, app.Services.GetRequiredService<IUserAccessState>());

    private static async Task<bool> IsActiveInDatabaseAsync(AppServicesHost app, string userId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        return (await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId)).DisabledAt is null;
    }

    private static async Task<AccountActionResult> ActAsync(AppServicesHost app, Func<AccountControl, Task<AccountActionResult>> action)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<AccountControl>());
    }

    private static async Task<ApplicationUser> RegisterAsync(AppServicesHost app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(email, "Passw0rd!");
        return result.User ?? throw new InvalidOperationException(string.Join(" ", result.Errors));
    }

    private static async Task<Guid> AddConversationAsync(AppServicesHost app, string userId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        var conversation = new Conversation { UserId = userId, Title = "Quarterly notes" };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        return conversation.Id;
    }

    private static async Task<bool> ConversationExistsAsync(AppServicesHost app, Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        return await db.Conversations.AnyAsync(c => c.Id == id);
    }
}
