using Microsoft.Extensions.DependencyInjection;
using WebChat.Services.Nodes;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>A node of a test (its hosted services are not started) made to hear the other nodes' signals.</summary>
internal static class NodeListening
{
    /// <summary>Starts the node's LISTEN and returns once it listens: a NOTIFY sent after this reaches it.</summary>
    public static async Task<PostgresNodeSignals> ListenAsync(this AppServicesHost node)
    {
        var signals = (PostgresNodeSignals)node.Services.GetRequiredService<INodeSignals>();
        await signals.StartAsync(CancellationToken.None);
        await signals.Listening.WaitAsync(TimeSpan.FromSeconds(30));
        return signals;
    }
}
