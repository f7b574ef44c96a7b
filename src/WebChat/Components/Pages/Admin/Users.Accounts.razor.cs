using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using WebChat.Components.Accounts;
using WebChat.Services.Accounts;
using WebChat.Services.Chat;
using WebChat.Services.Security;

namespace WebChat.Components.Pages.Admin;

/// <summary>Account control on Admin › Users: approve, reject, disable, enable, reset password, sign out everywhere, delete.</summary>
public partial class Users
{
    private SecurityEventCounts securityCounts = new(0, 0, 0);
    private (string Email, string Password)? temporaryPassword;
    private bool busy;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Inject] private AccountControl AccountControl { get; set; } = default!;
    [Inject] private SecurityEventLog SecurityEvents { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private ConversationService Conversations { get; set; } = default!;
    [Inject] private ConversationTransfer Transfer { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    // The services check the role themselves (AdminPermissions): the page hands them who is acting.
    private async Task<ClaimsPrincipal> ActorAsync() => (await AuthenticationState).User;

    private async Task LoadSecurityCountsAsync() =>
        securityCounts = await SecurityEvents.CountSinceAsync(Time.GetUtcNow().UtcDateTime.AddDays(-1));

    private async Task OnAccountActionAsync((UserSummary User, UserAccountAction Action) request)
    {
        var (user, action) = request;
        if (action == UserAccountAction.ExportConversations)
        {
            await ExportConversationsAsync(user);
            return;
        }

        var keepConversations = false;
        if (action == UserAccountAction.Delete)
        {
            if (await AskHowToDeleteAsync(user) is not { } keep)
            {
                return;
            }

            keepConversations = keep;
        }

        busy = true;
        try
        {
            var actor = await ActorAsync();
            var result = action switch
            {
                UserAccountAction.Disable => await AccountControl.DisableAsync(actor, user.Id),
                UserAccountAction.Enable => await AccountControl.EnableAsync(actor, user.Id),
                UserAccountAction.ResetPassword => await AccountControl.ResetPasswordAsync(actor, user.Id),
                UserAccountAction.SignOutEverywhere => await AccountControl.SignOutEverywhereAsync(actor, user.Id),
                UserAccountAction.Approve => await AccountControl.ApproveAsync(actor, user.Id),
                UserAccountAction.Reject => await AccountControl.RejectAsync(actor, user.Id),
                _ => await AccountControl.DeleteAsync(actor, user.Id, keepConversations),
            };
            Report(user, action, result);
            users = await UserDirectory.ListAsync();
            await LoadSecurityCountsAsync();
        }
        catch (AdminAccessDeniedException denied)
        {
            Snackbar.Add(denied.Message, Severity.Warning);
        }
        finally
        {
            busy = false;
        }
    }

    private void Report(UserSummary user, UserAccountAction action, AccountActionResult result)
    {
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Problem!, Severity.Warning);
            return;
        }

        if (result.TemporaryPassword is { } password)
        {
            temporaryPassword = (user.Email, password);
        }

        Snackbar.Add(action switch
        {
            UserAccountAction.Disable => $"{user.Email} is disabled and signed out everywhere.",
            UserAccountAction.Enable => $"{user.Email} can sign in again.",
            UserAccountAction.ResetPassword => $"{user.Email} has a temporary password, is signed out everywhere, and their API keys are revoked.",
            UserAccountAction.SignOutEverywhere => $"{user.Email} is signed out everywhere and their API keys are revoked.",
            UserAccountAction.Approve => $"{user.Email} is approved and can log in.",
            UserAccountAction.Reject => $"{user.Email} is rejected; the account is deleted.",
            _ => $"{user.Email} is deleted.",
        }, Severity.Success);
    }

    /// <summary>The kept conversations of a deleted account, as one Markdown file: what "keep them for export" keeps them for.</summary>
    private async Task ExportConversationsAsync(UserSummary user)
    {
        var parts = new List<string>();
        foreach (var conversation in await Conversations.ListAsync(user.Id, null))
        {
            parts.Add(await Transfer.ExportMarkdownAsync(user.Id, conversation.Id));
        }

        await JS.InvokeVoidAsync("webChat.chat.download", $"conversations-{user.Id}.md", "text/markdown", string.Join("\n\n---\n\n", parts));
        Snackbar.Add($"{parts.Count} conversation{(parts.Count == 1 ? "" : "s")} exported.", Severity.Success);
    }

    /// <summary>Null when the admin cancels; otherwise whether to keep the account's conversations.</summary>
    private async Task<bool?> AskHowToDeleteAsync(UserSummary user)
    {
        if (user.IsDeleted)
        {
            var confirmed = await Dialogs.ShowMessageBoxAsync("Delete conversations", "Delete the kept conversations of this deleted account? This cannot be undone.",
                yesText: "Delete", cancelText: "Cancel");
            return confirmed == true ? false : null;
        }

        var choice = await Dialogs.ShowMessageBoxAsync("Delete account", $"Delete {user.Email}? They are signed out at once and can never sign in again.",
            yesText: "Delete with conversations", noText: "Delete, keep conversations", cancelText: "Cancel");
        return choice is null ? null : choice == false;
    }
}
