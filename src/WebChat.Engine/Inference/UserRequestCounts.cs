namespace WebChat.Engine.Inference;

/// <summary>
/// Each user's requests on this node, across every engine: those in the system (waiting or being written) and those
/// being written. The one count <see cref="UserShare"/> is checked against, by the in-process scheduler and by the
/// remote engines' fair queue alike, so a user's share holds for local and remote answers together (they used to be
/// counted apart: a user could run their share on each). One instance per node (a singleton in the app).
/// </summary>
public sealed class UserRequestCounts
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Counts> _users = new(StringComparer.Ordinal); // guarded by _gate

    /// <summary>
    /// Raised (from any thread, outside the lock) after a request of some user stopped being written: a request of that
    /// user waiting on another engine may start now. Subscribers only wake their own loop.
    /// </summary>
    public event Action? RunningEnded;

    /// <summary>Counts one more request of <paramref name="user"/>; throws UserBusyException when it would exceed <paramref name="share"/>'s limit.</summary>
    public void Enter(string user, UserShare share)
    {
        lock (_gate)
        {
            var counts = CountsOf(user);
            share.EnsureRoomBeside(counts.InSystem);
            counts.InSystem++;
        }
    }

    /// <summary>Whether <paramref name="user"/> may start writing one more answer under <paramref name="share"/>.</summary>
    public bool MayStart(string user, UserShare share)
    {
        lock (_gate)
        {
            return (_users.GetValueOrDefault(user)?.Running ?? 0) < share.Running;
        }
    }

    /// <summary>One of the user's counted requests starts being written.</summary>
    public void Started(string user)
    {
        lock (_gate)
        {
            CountsOf(user).Running++;
        }
    }

    /// <summary>
    /// One of the user's requests that had started goes back to waiting, still counted (the remote engines' queue let it
    /// through, but the user's share across nodes was full: it waits for a place on another node to free).
    /// </summary>
    public void Stopped(string user)
    {
        lock (_gate)
        {
            CountsOf(user).Running--;
        }

        RunningEnded?.Invoke();
    }

    /// <summary>One of the user's counted requests ends; <paramref name="wasRunning"/> when it had started.</summary>
    public void Leave(string user, bool wasRunning)
    {
        lock (_gate)
        {
            var counts = CountsOf(user);
            counts.InSystem--;
            if (wasRunning)
            {
                counts.Running--;
            }

            if (counts.InSystem <= 0)
            {
                _users.Remove(user);
            }
        }

        if (wasRunning)
        {
            RunningEnded?.Invoke();
        }
    }

    /// <summary>The user's requests in the system and being written, now.</summary>
    public (int InSystem, int Running) Of(string user)
    {
        lock (_gate)
        {
            return _users.GetValueOrDefault(user) is { } counts ? (counts.InSystem, counts.Running) : (0, 0);
        }
    }

    private Counts CountsOf(string user)
    {
        if (!_users.TryGetValue(user, out var counts))
        {
            _users[user] = counts = new Counts();
        }

        return counts;
    }

    private sealed class Counts
    {
        public int InSystem { get; set; }
        public int Running { get; set; }
    }
}
