using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace WebChat.Services.Accounts;

/// <summary>
/// Who may create the first account, which becomes the administrator: a browser on the server itself (a loopback
/// connection that no proxy forwarded), or anyone holding the one-time setup token this process writes to its console
/// and log at start. Otherwise whoever reached a fresh instance from the LAN first would own it.
/// </summary>
public sealed class FirstAdminSetup
{
    public const string HowToMessage =
        "The first account becomes the administrator, so it can be created only on the server itself (open this page " +
        "at http://localhost on it) or with the setup link WebChat wrote to its console and log when it started.";

    /// <summary>The token of the setup link; a new one at every start.</summary>
    public string Token { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>True when this request may create the first account.</summary>
    public bool MayCreateFirst(HttpContext http, string? token) => IsFromServerItself(http) || Matches(token);

    /// <summary>True for a loopback connection that carries no forwarded client (a proxy on the same host is not "the server").</summary>
    public static bool IsFromServerItself(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
        && !http.Request.Headers.ContainsKey("X-Forwarded-For") && !http.Request.Headers.ContainsKey("Forwarded");

    private bool Matches(string? token) =>
        !string.IsNullOrEmpty(token) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(Token));
}

/// <summary>At start, while no account exists, writes the setup link to the console and log.</summary>
internal sealed class FirstAdminSetupNotice(FirstAdminSetup setup, RegistrationPolicy policy, ILogger<FirstAdminSetup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await policy.IsFirstAccountPendingAsync(cancellationToken))
        {
            logger.LogWarning(
                "No account exists yet. The first one becomes the administrator: register on this machine, or open " +
                "/Account/Register?setup={Token} on this server's address from another computer (valid until the next start).",
                setup.Token);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
