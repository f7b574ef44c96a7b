using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Services.Accounts;

namespace WebChat.Components.Account;

/// <summary>
/// The circuit's user: re-checked every few seconds (WebChat:Security:RevalidationInterval) and at once when the
/// account changes (<see cref="AccountRevocations"/>). A user who is no longer current becomes anonymous, and the
/// router sends the tab to the login page.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private static readonly AuthenticationState Anonymous = new(new ClaimsPrincipal(new ClaimsIdentity()));
    private readonly IUserAccessState accessState;
    private readonly string stampClaim;
    private readonly TimeSpan interval;
    private readonly IDisposable subscription;
    private readonly ILogger logger;
    private readonly CancellationToken stopping;

    public IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IUserAccessState accessState,
        AccountRevocations revocations,
        IOptions<IdentityOptions> identityOptions,
        IOptions<SecurityOptions> securityOptions,
        IHostApplicationLifetime lifetime)
        : base(loggerFactory)
    {
        this.accessState = accessState;
        stopping = lifetime.ApplicationStopping;
        stampClaim = identityOptions.Value.ClaimsIdentity.SecurityStampClaimType;
        interval = securityOptions.Value.RevalidationInterval;
        logger = loggerFactory.CreateLogger<IdentityRevalidatingAuthenticationStateProvider>();
        subscription = revocations.Subscribe(OnAccountChanged);
    }

    protected override TimeSpan RevalidationInterval => interval;

    // While the server stops, its circuits end anyway and the database's services are being disposed: asking them
    // would only log a failed revalidation for every open tab.
    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (stopping.IsCancellationRequested)
        {
            return true;
        }

        try
        {
            return await AccountCookieValidator.IsCurrentAsync(accessState, authenticationState.User, stampClaim, cancellationToken);
        }
        catch (Exception e) when (Services.DatabaseOutage.Is(e))
        {
            // The shared database is away for a moment (a restart): the base class would sign the person out for a
            // failed check. The session stays; the next revalidation checks again, and nothing needing the database
            // works meanwhile anyway.
            logger.LogWarning("Could not re-check a session's account: the database is out of reach ({Message})", e.Message);
            return true;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            subscription.Dispose();
        }

        base.Dispose(disposing);
    }

    private void OnAccountChanged(string userId) => _ = RecheckAsync(userId);

    private async Task RecheckAsync(string userId)
    {
        try
        {
            var state = await GetAuthenticationStateAsync();
            if (state.User.FindFirstValue(ClaimTypes.NameIdentifier) != userId
                || await AccountCookieValidator.IsCurrentAsync(accessState, state.User, stampClaim, CancellationToken.None))
            {
                return;
            }

            logger.LogInformation("Account {UserId} changed: its open session is signed out", userId);
            SetAuthenticationState(Task.FromResult(Anonymous));
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The circuit went away while the check ran (or this scope never had a user): nothing is left to sign out.
        }
        catch (Exception e)
        {
            // The periodic revalidation retries within seconds.
            logger.LogWarning(e, "Re-checking account {UserId} in an open session failed", userId);
        }
    }
}
