using Bunit;
using WebChat.Components.Accounts;
using WebChat.Services.Accounts;

namespace WebChat.Tests.Unit.App.Components.Accounts;

public sealed class AccountStatusChipsTests : MudComponentTestContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_state_shows_disabled_locked_and_must_change_together_and_active_only_when_none_applies()
    {
        var user = new UserSummary("u1", "user@example.test", [Roles.User], DateTime.UtcNow);

        var active = Render<AccountStatusChips>(p => p.Add(c => c.User, user).Add(c => c.Now, Now));
        var troubled = Render<AccountStatusChips>(p => p.Add(c => c.User, user with { DisabledAt = DateTime.UtcNow, LockoutEnd = Now.AddMinutes(3), MustChangePassword = true }).Add(c => c.Now, Now));
        var expiredLock = Render<AccountStatusChips>(p => p.Add(c => c.User, user with { LockoutEnd = Now.AddMinutes(-1) }).Add(c => c.Now, Now));

        Assert.Equal("Active", Text(active));
        Assert.Contains("Disabled", troubled.Markup, StringComparison.Ordinal);
        Assert.Contains("Locked until", troubled.Markup, StringComparison.Ordinal);
        Assert.Contains("Must change password", troubled.Markup, StringComparison.Ordinal);
        Assert.Equal("Active", Text(expiredLock));
    }

    private static string Text(IRenderedComponent<AccountStatusChips> chips) => string.Concat(chips.Nodes.Select(n => n.TextContent)).Trim();
}
