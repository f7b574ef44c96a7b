using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using WebChat.Configuration;

namespace WebChat.Services.Nodes;

/// <summary>
/// Signals between nodes through PostgreSQL's LISTEN/NOTIFY on the shared database: one connection per node listens
/// (reconnecting after a lost server), NOTIFY goes out on a pooled connection. Payloads carry the sending node's id, so
/// a node skips its own. NOTIFY is delivered only to sessions listening at the time: a node that was away re-reads
/// accounts at its periodic revalidation, which stays the backstop.
/// </summary>
public sealed class PostgresNodeSignals : INodeSignals, IHostedService, IAsyncDisposable
{
    /// <summary>The one LISTEN channel; the logical channel travels in the payload.</summary>
    private const string PgChannel = "webchat_signals";

    private readonly string node = Guid.NewGuid().ToString("N");
    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<PostgresNodeSignals> logger;
    private readonly ConcurrentDictionary<string, ImmutableHandlers> handlers = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock startGate = new();
    private Task? loop;
    private int disposed;

    public PostgresNodeSignals(IOptions<ConnectionStringsOptions> connectionStrings, ILogger<PostgresNodeSignals> logger)
    {
        // Keepalive: a listening connection is idle for hours; a dead server must be noticed to reconnect.
        var builder = new NpgsqlConnectionStringBuilder(connectionStrings.Value.WebChat) { KeepAlive = 30 };
        dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        this.logger = logger;
    }

    /// <summary>Completes once this node listens (tests wait for it before a change on another node).</summary>
    public Task Listening => listening.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (startGate)
        {
            loop ??= Task.Run(() => ListenAsync(stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref disposed) != 0)
        {
            return;
        }

        await stopping.CancelAsync();
        if (loop is { } running)
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task SendAsync(string channel, string payload, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
            command.Parameters.AddWithValue("channel", PgChannel);
            command.Parameters.AddWithValue("payload", $"{node}|{channel}|{payload}");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Could not tell the other nodes about {Channel} {Payload}; they see it at their next revalidation", channel, payload);
        }
    }

    public IDisposable Subscribe(string channel, Action<string> onSignal)
    {
        handlers.AddOrUpdate(channel, _ => new([onSignal]), (_, current) => new([.. current.List, onSignal]));
        return new Subscription(() => handlers.AddOrUpdate(channel, _ => new([]), (_, current) => new([.. current.List.Where(h => h != onSignal)])));
    }

    public async ValueTask DisposeAsync()
    {
        // Registered under three service types (itself, INodeSignals, IHostedService), so disposed up to three times.
        await StopAsync(CancellationToken.None);
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        stopping.Dispose();
        await dataSource.DisposeAsync();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, e) => Deliver(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {PgChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                listening.TrySetResult();
                delay = TimeSpan.FromMilliseconds(200);
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                logger.LogWarning("Listening for other nodes' signals failed ({Message}); retrying in {Delay}", e.Message, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private void Deliver(string message)
    {
        var parts = message.Split('|', 3);
        if (parts.Length != 3 || parts[0] == node || !handlers.TryGetValue(parts[1], out var current))
        {
            return;
        }

        foreach (var handler in current.List)
        {
            try
            {
                handler(parts[2]);
            }
            catch (Exception e)
            {
                // One failing subscriber must not keep the others from hearing the signal.
                logger.LogWarning(e, "Handling the signal {Channel} {Payload} from another node failed", parts[1], parts[2]);
            }
        }
    }

    private sealed record ImmutableHandlers(IReadOnlyList<Action<string>> List);

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        public void Dispose() => unsubscribe();
    }
}
