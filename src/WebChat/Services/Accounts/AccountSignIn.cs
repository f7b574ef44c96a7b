using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data.Entities;
using WebChat.Services.Security;

namespace WebChat.Services.Accounts;

/// <summary>The outcome of a sign-in: signed in (perhaps with a password to change), or words for the person.</summary>
public sealed record SignInOutcome(bool Succeeded, bool MustChangePassword, string? Error)
{
    public static SignInOutcome Refused(string error) => new(false, false, error);
}

/// <summary>
/// Password sign-in with lockout and a per-account rate limit. Unknown accounts and wrong passwords answer with the
/// same words, take about the same time (a password hash is checked either way) and lock the same way.
/// </summary>
internal sealed class AccountSignIn(
    UserManager<ApplicationUser> userManager,
    SignInManager<ApplicationUser> signInManager,
    IPasswordHasher<ApplicationUser> passwordHasher,
    UnknownAccountLockout unknownLockout,
    AccountAttemptLimiter attemptLimiter,
    SecurityEventLog events,
    IOptions<SecurityOptions> options,
    ILogger<AccountSignIn> logger)
{
    public const string WrongCredentialsMessage = "Wrong email or password.";
    public const string ThrottledMessage = "Too many sign-in attempts for this account. Wait a minute and try again.";
    public const string DisabledMessage = "This account is disabled. Ask an administrator.";
    public const string PendingApprovalMessage = "This account waits for an administrator's approval. You can log in once it is approved.";

    // A fixed hash to verify against when the account does not exist, so both answers cost one hash check.
    private static readonly string DecoyHash = new PasswordHasher<ApplicationUser>().HashPassword(new ApplicationUser(), "decoy-" + Guid.NewGuid());

    public string LockedMessage =>
        $"This account is locked after {options.Value.MaxFailedSignIns} wrong passwords. Try again in {Minutes(options.Value.LockoutDuration)}.";

    public async Task<SignInOutcome> SignInAsync(string email, string password, bool remember, string clientAddress, CancellationToken cancellationToken = default)
    {
        if (!attemptLimiter.TryAcquire(email))
        {
            await events.RecordAsync(SecurityEventKinds.ThrottledAccount, email, clientAddress, cancellationToken);
            return SignInOutcome.Refused(ThrottledMessage);
        }

        var user = await userManager.FindByEmailAsync(email);
        if (user is null)
        {
            return await RefuseUnknownAsync(email, password, clientAddress, cancellationToken);
        }

        var check = await signInManager.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (check.IsLockedOut)
        {
            await events.RecordAsync(SecurityEventKinds.Lockout, email, clientAddress, cancellationToken);
            return SignInOutcome.Refused(LockedMessage);
        }

        if (!check.Succeeded)
        {
            await events.RecordAsync(SecurityEventKinds.FailedSignIn, email, clientAddress, cancellationToken);
            return SignInOutcome.Refused(WrongCredentialsMessage);
        }

        // Only someone who knows the password learns that the account is disabled or waiting.
        if (user.PendingApprovalSince is not null && user.DeletedAt is null)
        {
            return SignInOutcome.Refused(PendingApprovalMessage);
        }

        if (!user.IsActive)
        {
            return SignInOutcome.Refused(user.DeletedAt is null ? DisabledMessage : WrongCredentialsMessage);
        }

        await signInManager.SignInAsync(user, remember);
        logger.LogInformation("Account {UserId} signed in", user.Id);
        return new SignInOutcome(true, user.MustChangePassword, null);
    }

    private async Task<SignInOutcome> RefuseUnknownAsync(string email, string password, string clientAddress, CancellationToken cancellationToken)
    {
        if (unknownLockout.IsLocked(email))
        {
            await events.RecordAsync(SecurityEventKinds.Lockout, email, clientAddress, cancellationToken);
            return SignInOutcome.Refused(LockedMessage);
        }

        passwordHasher.VerifyHashedPassword(new ApplicationUser(), DecoyHash, password);
        var locked = unknownLockout.RecordFailure(email);
        await events.RecordAsync(locked ? SecurityEventKinds.Lockout : SecurityEventKinds.FailedSignIn, email, clientAddress, cancellationToken);
        return SignInOutcome.Refused(locked ? LockedMessage : WrongCredentialsMessage);
    }

    private static string Minutes(TimeSpan duration) =>
        duration.TotalMinutes >= 1 ? $"{Math.Ceiling(duration.TotalMinutes):0} minutes" : $"{Math.Ceiling(duration.TotalSeconds):0} seconds";
}
