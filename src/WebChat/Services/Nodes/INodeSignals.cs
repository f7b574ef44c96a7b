namespace WebChat.Services.Nodes;

/// <summary>
/// Signals between the app nodes that share one database (an account revoked on one node must end its sessions on
/// every node). A single node has no one to tell: <see cref="SingleNodeSignals"/>; several nodes on PostgreSQL use
/// <see cref="PostgresNodeSignals"/>. A node never hears its own signals back: it has already acted on them.
/// </summary>
public interface INodeSignals
{
    /// <summary>Tells the other nodes; a failure is logged, never thrown (the change itself is already committed).</summary>
    Task SendAsync(string channel, string payload, CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="onSignal"/> with each payload another node sends on the channel.</summary>
    IDisposable Subscribe(string channel, Action<string> onSignal);
}

/// <summary>One node (SQLite): every change is handled in this process, so there is no one else to tell.</summary>
public sealed class SingleNodeSignals : INodeSignals
{
    public Task SendAsync(string channel, string payload, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public IDisposable Subscribe(string channel, Action<string> onSignal) => new NoSubscription();

    private sealed class NoSubscription : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
