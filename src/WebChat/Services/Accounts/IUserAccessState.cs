namespace WebChat.Services.Accounts;

/// <summary>What a session needs to know about its account right now: does it exist, may it sign in, which stamp is current.</summary>
public sealed record UserAccess(string UserId, bool IsActive, string? SecurityStamp, bool MustChangePassword);

/// <summary>
/// The one place that answers "may this account still get in": cookies, open tabs and API keys ask it. Answers are
/// fresh after any change made through the app's UserManager, and at most a couple of seconds old otherwise.
/// </summary>
public interface IUserAccessState
{
    /// <summary>The account's current access, or null when no such account exists.</summary>
    Task<UserAccess?> GetAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>True when the account exists and is neither disabled nor deleted.</summary>
    Task<bool> IsActiveAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Drops what is known about the account, so the next question reads the database.</summary>
    void Forget(string userId);
}
