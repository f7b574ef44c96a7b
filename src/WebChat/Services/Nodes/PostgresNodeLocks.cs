using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using WebChat.Configuration;

namespace WebChat.Services.Nodes;

/// <summary>
/// Node locks as PostgreSQL session-level advisory locks, all held on one connection of this node's own. When the node
/// dies (even by kill -9) the server sees its connection close and frees every lock it held at once: no heartbeat, no
/// expiry to wait for. Session locks stack within a session, so the node remembers what it holds and refuses a second
/// take itself. When the server restarts the locks are lost with the connection; the next call opens a new one and
/// takes back what this node still holds.
/// </summary>
public sealed class PostgresNodeLocks : INodeLocks, IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<PostgresNodeLocks> logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly HashSet<string> held = [];
    private NpgsqlConnection? connection;

    public PostgresNodeLocks(IOptions<ConnectionStringsOptions> connectionStrings, ILogger<PostgresNodeLocks> logger)
    {
        // Keepalive: the connection can be idle for hours, and a server gone away must be noticed.
        var builder = new NpgsqlConnectionStringBuilder(connectionStrings.Value.WebChat) { KeepAlive = 30 };
        dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        this.logger = logger;
    }

    public bool IsShared => true;

    public async Task<bool> TryTakeAsync(string name, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (held.Contains(name))
            {
                return false;
            }

            // Not cancelled once asked: a lock the server took while the answer was thrown away would be held, unrecorded,
            // until the connection closes (a user's place lost for as long as the node lives).
            var taken = await OnConnectionAsync("SELECT pg_try_advisory_lock(@key)", name, CancellationToken.None);
            if (taken)
            {
                held.Add(name);
            }

            return taken;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task ReleaseAsync(string name)
    {
        await gate.WaitAsync();
        try
        {
            if (held.Remove(name) && connection is { State: System.Data.ConnectionState.Open })
            {
                await OnConnectionAsync("SELECT pg_advisory_unlock(@key)", name, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            // The connection is gone, and with it the lock.
            logger.LogWarning("Could not give back the node lock {Name} ({Message}); the lost connection freed it", name, e.Message);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<bool> IsHeldAsync(string name, CancellationToken cancellationToken = default)
    {
        // Another session can take the lock only if nobody holds it; the transaction-level lock goes with the statement.
        await using var command = dataSource.CreateCommand("SELECT pg_try_advisory_xact_lock(@key)");
        command.Parameters.AddWithValue("key", Key(name));
        return !(bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        // A release still running in the background (a lease given back just before) finishes first: a connection
        // disposed under a running command can hang. The gate itself holds no handle and is left to the GC.
        await gate.WaitAsync();
        try
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
                connection = null;
            }
        }
        finally
        {
            gate.Release();
        }

        await dataSource.DisposeAsync();
    }

    // Runs one lock statement on this node's connection, opening it again (and taking back what the node holds) when the
    // server was restarted. Called under the gate.
    private async Task<bool> OnConnectionAsync(string sql, string name, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var open = await OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand(sql, open);
                command.Parameters.AddWithValue("key", Key(name));
                return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
            }
            catch (Exception e) when (attempt == 0 && e is NpgsqlException or IOException && connection is not { State: System.Data.ConnectionState.Open })
            {
                logger.LogWarning("The node lock connection was lost ({Message}); opening it again", e.Message);
            }
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (connection is { State: System.Data.ConnectionState.Open } open)
        {
            return open;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }

        var fresh = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var name in held.ToList())
        {
            await using var retake = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", fresh);
            retake.Parameters.AddWithValue("key", Key(name));
            if (!(bool)(await retake.ExecuteScalarAsync(cancellationToken))!)
            {
                // Another node took it while the server was away: it is theirs now.
                held.Remove(name);
                logger.LogWarning("The node lock {Name} was taken by another node while the database was away", name);
            }
        }

        connection = fresh;
        return fresh;
    }

    /// <summary>A 64-bit advisory lock key from the lock's name, the same on every node.</summary>
    public static long Key(string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("webchat:" + name)), 0);
}
