using System.Collections.Concurrent;

namespace WebChat.Services.Serving.Engines;

/// <summary>
/// Picks the replica for a request: among the ready engines that list the model and are not cooling down, the one
/// with the fewest requests in flight (the engine's own count where it reports one); the next turn of a conversation
/// goes back to the replica that served the last while it has at most <see cref="EnginesOptions.AffinitySlack"/> more
/// than the least busy, so its prefix cache still holds the history. Ties go round.
/// </summary>
public sealed class EngineRouter(RemoteEngines engines)
{
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, string> _lastReplica = new(StringComparer.Ordinal);
    private int _turn;

    /// <summary>Whether any replica of <paramref name="model"/> can take a request now.</summary>
    public bool IsAvailable(string model) => Candidates(model, []).Any();

    /// <summary>The replica for this request, or null when none is ready (all down, cooling down, or in <paramref name="exclude"/>).</summary>
    public RemoteEngineState? Pick(string model, string? conversationKey, IReadOnlyCollection<string> exclude)
    {
        var candidates = Candidates(model, exclude).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var loads = candidates.ToDictionary(c => c, c => c.Load);
        var least = loads.Values.Min();
        if (conversationKey is not null && _lastReplica.TryGetValue(conversationKey, out var last)
            && candidates.FirstOrDefault(c => c.Name == last) is { } sticky && loads[sticky] <= least + engines.Options.AffinitySlack)
        {
            return sticky;
        }

        var idlest = candidates.Where(c => loads[c] == least).ToList();
        var chosen = idlest[(int)((uint)Interlocked.Increment(ref _turn) % (uint)idlest.Count)];
        Remember(conversationKey, chosen);
        return chosen;
    }

    /// <summary>Records which replica served a conversation's turn.</summary>
    public void Remember(string? conversationKey, RemoteEngineState replica)
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

    private IEnumerable<RemoteEngineState> Candidates(string model, IReadOnlyCollection<string> exclude)
    {
        var now = engines.Now;
        return engines.All.Where(e => e.Serves(model) && !e.IsCoolingDown(now) && !exclude.Contains(e.Name));
    }
}
