using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;

namespace WebChat.Tests.Unit.App.Services.Accounts;

public sealed class AccountControlTests
{
    [Fact]
    public async Task Disabling_ends_access_and_tells_the_open_sessions_once_it_is_committed()
    {
        await using var app = await AppServicesHost.StartAsync();
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var access = app.Services.GetRequiredService<IUserAccessState>();
        Assert.True(await access.IsActiveAsync(user.Id));
        var heard = new List<(string UserId, bool ActiveWhenHeard)>();
        using var subscription = app.Services.GetRequiredService<AccountRevocations>()
            .Subscribe(id => heard.Add((id, access.IsActiveAsync(id).GetAwaiter().GetResult())));

        var result = await ActAsync(app, c => c.DisableAsync(user.Id));

        Assert.True(result.Succeeded);
        Assert.False(await access.IsActiveAsync(user.Id));
        Assert.Contains((user.Id, false), heard);
        Assert.NotEqual(user.SecurityStamp, (await access.GetAsync(user.Id))!.SecurityStamp);

        Assert.True((await ActAsync(app, c => c.EnableAsync(user.Id))).Succeeded);
        Assert.True(await access.IsActiveAsync(user.Id));
    }

    [Fact]
    public async Task The_last_active_admin_can_be_neither_disabled_nor_deleted()
    {
        await using var app = await AppServicesHost.StartAsync();
        var admin = await RegisterAsync(app, "admin@example.test");

        Assert.Equal(AccountControl.LastAdminMessage, (await ActAsync(app, c => c.DisableAsync(admin.Id))).Problem);
        Assert.Equal(AccountControl.LastAdminMessage, (await ActAsync(app, c => c.DeleteAsync(admin.Id, keepConversations: true))).Problem);
        Assert.True(await app.Services.GetRequiredService<IUserAccessState>().IsActiveAsync(admin.Id));
    }

    [Fact]
    public async Task A_disabled_admin_does_not_count_so_the_other_admin_cannot_be_demoted()
    {
        await using var app = await AppServicesHost.StartAsync();
        var first = await RegisterAsync(app, "admin@example.test");
        var second = await RegisterAsync(app, "second@example.test");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<RoleAssignment>().SetAdminAsync(second.Id, admin: true));
        }

        Assert.True((await ActAsync(app, c => c.DisableAsync(second.Id))).Succeeded);

        await using var demote = app.Services.CreateAsyncScope();
        Assert.Equal(RoleAssignment.LastAdminMessage, await demote.ServiceProvider.GetRequiredService<RoleAssignment>().SetAdminAsync(first.Id, admin: false));
    }

    [Fact]
    public async Task Deleting_and_keeping_conversations_leaves_them_under_an_account_that_cannot_sign_in()
    {
        await using var app = await AppServicesHost.StartAsync();
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var conversationId = await AddConversationAsync(app, user.Id);

        Assert.True((await ActAsync(app, c => c.DeleteAsync(user.Id, keepConversations: true))).Succeeded);

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Null(await users.FindByEmailAsync("user@example.test"));
        var tombstone = (await users.FindByIdAsync(user.Id))!;
        Assert.False(tombstone.IsActive);
        Assert.False(await users.HasPasswordAsync(tombstone));
        Assert.True(await ConversationExistsAsync(app, conversationId));
        Assert.True((await RegisterAsync(app, "user@example.test")).Id != user.Id, "the e-mail is free again");
    }

    [Fact]
    public async Task Deleting_with_conversations_removes_the_account_and_everything_it_wrote()
    {
        await using var app = await AppServicesHost.StartAsync();
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        var conversationId = await AddConversationAsync(app, user.Id);

        Assert.True((await ActAsync(app, c => c.DeleteAsync(user.Id, keepConversations: false))).Succeeded);

        Assert.Null(await app.Services.GetRequiredService<IUserAccessState>().GetAsync(user.Id));
        Assert.False(await ConversationExistsAsync(app, conversationId));
    }

    [Fact]
    public async Task A_reset_gives_a_temporary_password_that_works_must_be_changed_and_clears_a_lockout()
    {
        await using var app = await AppServicesHost.StartAsync();
        await RegisterAsync(app, "admin@example.test");
        var user = await RegisterAsync(app, "user@example.test");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id))!, DateTimeOffset.UtcNow.AddHours(1));
        }

        var result = await ActAsync(app, c => c.ResetPasswordAsync(user.Id));

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
