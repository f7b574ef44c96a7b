namespace WebChat.Services.Accounts;

/// <summary>The two roles: the first account is Admin, every later one is User.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string User = "User";
}
