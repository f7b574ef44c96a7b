namespace WebChat.Services.Nodes;

/// <summary>
/// A per-user limit of N held across nodes as N numbered places, each a node lock: every holder of one counts against
/// the limit, on whichever node it runs, and a dead node's places go with its connection. The one way such a place is
/// taken: "requests at once", "requests per minute" and the engine share of remote answers all use it.
/// </summary>
public static class NodePlaces
{
    /// <summary>Takes the first free place of <paramref name="count"/> (named by <paramref name="name"/>), or null when every one is held.</summary>
    public static async Task<NodeLockLease?> TryTakeOneAsync(
        this INodeLocks locks, Func<int, string> name, int count, CancellationToken cancellationToken = default)
    {
        for (var place = 0; place < count; place++)
        {
            var candidate = name(place);
            if (await locks.TryTakeAsync(candidate, cancellationToken))
            {
                return new NodeLockLease(locks, candidate);
            }
        }

        return null;
    }
}
