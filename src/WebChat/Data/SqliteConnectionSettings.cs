using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WebChat.Data;

/// <summary>
/// Per-connection SQLite settings, applied every time EF Core opens a connection (pooled ones keep them, and
/// setting them again costs microseconds).
/// <list type="bullet">
/// <item><c>busy_timeout</c>: a writer that finds the file locked waits inside SQLite, which retries within a
/// millisecond or two of the lock's release. Without it Microsoft.Data.Sqlite retries on its own after sleeping
/// 150 ms on a thread-pool thread, so every collision of two writers (an answer's periodic save and another
/// person sending) cost at least 150 ms.</item>
/// <item><c>synchronous = NORMAL</c>: in WAL mode a commit then needs no fsync; the database stays consistent, and
/// only an operating-system crash or power cut can lose the last commits (a killed process loses nothing).</item>
/// </list>
/// </summary>
public sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    private static readonly string Pragmas = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = Create(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = Create(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Create(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        return command;
    }
}
