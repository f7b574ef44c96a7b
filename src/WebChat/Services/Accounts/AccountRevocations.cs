using WebChat.Services.Nodes;

namespace WebChat.Services.Accounts;

/// <summary>
/// Tells every open circuit that an account changed (disabled, deleted, demoted, signed out everywhere, new password),
/// so each re-checks its user at once instead of at its next periodic revalidation. With several nodes the change also
/// goes to the other nodes (<see cref="INodeSignals"/>), whose circuits hear it the same way.
/// </summary>
public sealed class AccountRevocations
{
    private const string Channel = "account-changed";

    private readonly IUserAccessState accessState;
    private readonly ILogger<AccountRevocations> logger;
    private readonly INodeSignals signals;
    private readonly Lock gate = new();
    private List<Action<string>> subscribers = [];

    public AccountRevocations(IUserAccessState accessState, ILogger<AccountRevocations> logger, INodeSignals signals)
    {
        this.accessState = accessState;
        this.logger = logger;
        this.signals = signals;
        // Lives as long as the app (a singleton), as does the subscription.
        signals.Subscribe(Channel, Deliver);
    }

    /// <summary>One node only: nothing to tell other nodes.</summary>
    public AccountRevocations(IUserAccessState accessState, ILogger<AccountRevocations> logger)
        : this(accessState, logger, new SingleNodeSignals())
    {
    }

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
        Deliver(userId);
        // SendAsync logs its own failures and never throws; the other nodes' revalidation is the backstop.
        _ = signals.SendAsync(Channel, userId);
    }

    private void Deliver(string userId)
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
