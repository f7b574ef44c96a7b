namespace WebChat.Services.Nodes;

/// <summary>
/// Locks held by a node for as long as it lives: an answer being written (so another node can tell a live answer from
/// one whose node died), a user's "requests at once" places (so the quota holds across nodes) and a user's engine share
/// places for remote answers (so the share holds across nodes). A node that dies
/// loses its locks with it. One node needs none of this: <see cref="SingleNodeLocks"/>; several nodes on PostgreSQL use
/// <see cref="PostgresNodeLocks"/>.
/// </summary>
public interface INodeLocks
{
    /// <summary>False on one node: everything these locks say is already known in the process.</summary>
    bool IsShared { get; }

    /// <summary>
    /// Takes the lock for this node; false when it is already held, by another node or by this one. The token cancels
    /// the wait to ask, never a question asked (a lock taken but not recorded would stay held).
    /// </summary>
    Task<bool> TryTakeAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Gives the lock back; a failure is logged, never thrown (a lost connection has given it back already).</summary>
    Task ReleaseAsync(string name);

    /// <summary>Whether any live node (this one included) holds the lock.</summary>
    Task<bool> IsHeldAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>One node: no other node can hold anything.</summary>
public sealed class SingleNodeLocks : INodeLocks
{
    public bool IsShared => false;

    public Task<bool> TryTakeAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task ReleaseAsync(string name) => Task.CompletedTask;

    public Task<bool> IsHeldAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(false);
}

/// <summary>The names of the locks, in one place.</summary>
public static class NodeLockNames
{
    /// <summary>Held by the node writing the answer, from before its row exists until its final state is stored.</summary>
    public static string Answer(Guid messageId) => "answer:" + messageId.ToString("N");

    /// <summary>One of the user's places for answers being written at once (0 to limit - 1).</summary>
    public static string RunningPlace(string userId, int place) => $"running:{userId}:{place}";

    /// <summary>One of the user's places in the requests-per-minute limit (0 to limit - 1), held for a minute from an admission.</summary>
    public static string MinutePlace(string userId, int place) => $"minute:{userId}:{place}";

    /// <summary>One of the user's places in their running engine share on the remote engines (0 to share - 1).</summary>
    public static string SharePlace(string userKey, int place) => $"share:{userKey}:{place}";
}
