using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Security;

/// <summary>The app with a short lockout (so a test can see it end) and account rate limits out of the way.</summary>
public sealed class SecurityAppFixture : WebChatAppFixture
{
    public static readonly TimeSpan Lockout = TimeSpan.FromSeconds(6);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["WebChat:Security:LockoutDuration"] = Lockout.ToString(),
        ["WebChat:Security:AttemptsPerAccount"] = "1000",
        ["WebChat:Security:AttemptsPerAddress"] = "1000",
    };
}
