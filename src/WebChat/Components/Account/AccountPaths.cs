namespace WebChat.Components.Account;

/// <summary>Addresses of the account pages that code redirects to.</summary>
internal static class AccountPaths
{
    public const string Login = "Account/Login";
    public const string ChangePassword = "Account/Manage/ChangePassword";
}
