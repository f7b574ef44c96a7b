namespace WebChat.Services.Accounts;

/// <summary>
/// Tells every open circuit that an account changed (disabled, deleted, demoted, signed out everywhere, new password),
/// so each re-checks its user at once instead of at its next periodic revalidation.
/// </summary>
public sealed class AccountRevocations(IUserAccessState accessState, ILogger<AccountRevocations> logger)
{
    private readonly Lock gate = new();
    private List<Action<string>> subscribers = [];

    public IDisposable Subscribe(Action<string> onChanged)
    {
        lock (gate)
        {
            subscribers = [.. subscribers, onChanged];
        }

        return new Subscription(this, onChanged);
    }

    /// <summary>Forgets the account's cached access and tells every circuit; call it after the change is committed.</summary>
    public void Publish(string userId)
    {
        accessState.Forget(userId);
        foreach (var subscriber in subscribers)
        {
            try
            {
                subscriber(userId);
            }
            catch (Exception e)
            {
                // One broken circuit must not keep the others from hearing about the change.
                logger.LogWarning(e, "A session failed to handle the change of account {UserId}", userId);
            }
        }
    }

    private void Unsubscribe(Action<string> onChanged)
    {
        lock (gate)
        {
            subscribers = subscribers.Where(s => s != onChanged).ToList();
        }
    }

    private sealed class Subscription(AccountRevocations owner, Action<string> onChanged) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(onChanged);
    }
}
