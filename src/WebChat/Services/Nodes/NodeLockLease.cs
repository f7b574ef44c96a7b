namespace WebChat.Services.Nodes;

/// <summary>A node lock given back when disposed (once); the release runs in the background and logs its own failures.</summary>
public sealed class NodeLockLease(INodeLocks locks, string name) : IDisposable
{
    private int released;

    public string Name => name;

    public void Dispose() => _ = ReleaseAsync();

    /// <summary>Gives the lock back (once) and completes when it is free; never throws (a failure is logged).</summary>
    public Task ReleaseAsync() =>
        Interlocked.Exchange(ref released, 1) == 0 ? locks.ReleaseAsync(name) : Task.CompletedTask;
}
