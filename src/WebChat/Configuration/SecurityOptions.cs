namespace WebChat.Configuration;

/// <summary>The "WebChat:Security" section: sign-in protection, session revalidation, proxies and image hosts.</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "WebChat:Security";

    /// <summary>Wrong passwords in a row that lock an account (Identity lockout).</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sign-in, registration and password-change posts one client address may make per <see cref="AttemptWindow"/>.</summary>
    public int AttemptsPerAddress { get; set; } = 20;

    /// <summary>Sign-in, registration and password-change posts that may name one account per <see cref="AttemptWindow"/>.</summary>
    public int AttemptsPerAccount { get; set; } = 10;

    /// <summary>The window over which the sign-in, registration and password-change attempts above are counted.</summary>
    public TimeSpan AttemptWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Accounts that may be created from one client address per hour (the first account, the administrator's, counts
    /// too); 0 means no limit. Behind a reverse proxy this needs KnownProxies, or every account comes from the proxy.
    /// </summary>
    public int AccountsPerAddressPerHour { get; set; } = 5;

    /// <summary>Wrong API keys one client address may send per <see cref="AttemptWindow"/>; then every key from it gets 429.</summary>
    public int ApiKeyFailuresPerAddress { get; set; } = 20;

    /// <summary>How often an open tab re-checks its account even without a revocation signal.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Addresses of reverse proxies whose X-Forwarded-For/Proto headers are believed; empty: none are.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Hosts that Markdown images may load from; an image from any other host is shown as a link.</summary>
    public List<string> AllowedImageHosts { get; set; } = [];
}
