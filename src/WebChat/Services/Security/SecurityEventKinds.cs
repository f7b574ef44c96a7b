namespace WebChat.Services.Security;

/// <summary>The kinds of sign-in protection events that are recorded and counted.</summary>
public static class SecurityEventKinds
{
    public const string Lockout = "lockout";
    public const string ThrottledAddress = "throttled-address";
    public const string ThrottledAccount = "throttled-account";
    public const string FailedSignIn = "failed-sign-in";
}
