namespace WebChat.Components.Accounts;

/// <summary>What an admin asked to do to an account on Admin › Users.</summary>
public enum UserAccountAction
{
    Disable,
    Enable,
    ResetPassword,
    SignOutEverywhere,
    Delete,
    ExportConversations,
    Approve,
    Reject,
}
