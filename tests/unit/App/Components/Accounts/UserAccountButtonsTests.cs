using Bunit;
using WebChat.Components.Accounts;
using WebChat.Services.Accounts;

namespace WebChat.Tests.Unit.App.Components.Accounts;

public sealed class UserAccountButtonsTests : MudComponentTestContext
{
    private static readonly UserSummary Active = new("u1", "user@example.test", [Roles.User], DateTime.UtcNow);

    [Fact]
    public void An_active_account_offers_disable_reset_sign_out_and_delete_and_raises_the_one_clicked()
    {
        (UserSummary User, UserAccountAction Action)? raised = null;
        var buttons = Render<UserAccountButtons>(p => p.Add(c => c.User, Active).Add(c => c.OnAction, request => raised = request));

        Assert.Equal(
            ["Disable: user@example.test", "Reset password: user@example.test", "Sign out everywhere: user@example.test", "Delete: user@example.test"],
            buttons.FindAll("button").Select(b => b.GetAttribute("aria-label")));
        buttons.Find("button[aria-label='Sign out everywhere: user@example.test']").Click();
        Assert.Equal((Active, UserAccountAction.SignOutEverywhere), raised);
    }

    [Fact]
    public void A_disabled_account_offers_enable_instead_of_disable()
    {
        var buttons = Render<UserAccountButtons>(p => p.Add(c => c.User, Active with { DisabledAt = DateTime.UtcNow }));

        Assert.NotNull(buttons.Find("button[aria-label='Enable: user@example.test']"));
        Assert.Empty(buttons.FindAll("button[aria-label='Disable: user@example.test']"));
    }

    [Fact]
    public void A_deleted_account_offers_only_its_kept_conversations()
    {
        var buttons = Render<UserAccountButtons>(p => p.Add(c => c.User, Active with { DeletedAt = DateTime.UtcNow }));

        Assert.Equal(["Export conversations", "Delete conversations"], buttons.FindAll("button").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public void While_an_action_runs_every_button_waits()
    {
        var buttons = Render<UserAccountButtons>(p => p.Add(c => c.User, Active).Add(c => c.Busy, true));

        Assert.All(buttons.FindAll("button"), b => Assert.True(b.HasAttribute("disabled")));
    }
}
