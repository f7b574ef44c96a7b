using System.Collections.Concurrent;

namespace WebChat.Services.Serving.Engines;

/// <summary>One replica the router may choose: a remote engine, or the in-process engine (<see cref="Remote"/> null).</summary>
public sealed record Replica(string Name, int Load, RemoteEngineState? Remote)
{
    public bool IsLocal => Remote is null;
}

/// <summary>
/// Picks the replica for a request: among the ready engines that serve the model and are not cooling down (the
/// remote engines that list it, and the in-process engine while it holds the same model: see
/// <see cref="LocalReplica"/>), the one with the fewest requests in flight (the engine's own count where it reports
/// one); the next turn of a conversation goes back to the replica that served the last while it has at most
/// <see cref="EnginesOptions.AffinitySlack"/> more than the least busy, so its prefix cache still holds the history.
/// Ties go round.
/// </summary>
public sealed class EngineRouter(RemoteEngines engines, LocalReplica local)
{
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, string> _lastReplica = new(StringComparer.Ordinal);
    private int _turn;

    /// <summary>Whether any replica of <paramref name="model"/> can take a request now.</summary>
    public bool IsAvailable(string model) => Candidates(model, []).Any();

    /// <summary>The names of the engines serving <paramref name="model"/> (ready or not, the in-process one while it holds it).</summary>
    public IReadOnlyList<string> EnginesOf(string model) =>
        [.. engines.All.Where(e => e.Serves(model)).Select(e => e.Name), .. local.Serves(model) ? [LocalReplica.Name] : Array.Empty<string>()];

    /// <summary>The replica for this request, or null when none is ready (all down, cooling down, or in <paramref name="exclude"/>).</summary>
    public Replica? Pick(string model, string? conversationKey, IReadOnlyCollection<string> exclude)
    {
        var candidates = Candidates(model, exclude).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var least = candidates.Min(c => c.Load);
        if (conversationKey is not null && _lastReplica.TryGetValue(conversationKey, out var last)
            && candidates.FirstOrDefault(c => c.Name == last) is { } sticky && sticky.Load <= least + engines.Options.AffinitySlack)
        {
            return sticky;
        }

        var idlest = candidates.Where(c => c.Load == least).ToList();
        var chosen = idlest[(int)((uint)Interlocked.Increment(ref _turn) % (uint)idlest.Count)];
        Remember(conversationKey, chosen);
        return chosen;
    }

    /// <summary>Records which replica served a conversation's turn.</summary>
    public void Remember(string? conversationKey, Replica replica)
    {
        if (conversationKey is null)
        {
            return;
        }

        if (_lastReplica.Count > MaxRemembered)
        {
            _lastReplica.Clear(); // an old conversation loses only its preference, never its answer
        }

        _lastReplica[conversationKey] = replica.Name;
    }

    private IEnumerable<Replica> Candidates(string model, IReadOnlyCollection<string> exclude)
    {
        var now = engines.Now;
        foreach (var e in engines.All.Where(e => e.Serves(model) && !e.IsCoolingDown(now) && !exclude.Contains(e.Name)))
        {
            yield return new Replica(e.Name, e.Load, e);
        }

        if (local.Serves(model) && !local.IsCoolingDown(local.Now) && !exclude.Contains(LocalReplica.Name))
        {
            yield return new Replica(LocalReplica.Name, local.Load, null);
        }
    }
}
