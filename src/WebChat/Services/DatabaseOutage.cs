using Npgsql;

namespace WebChat.Services;

/// <summary>
/// The shared PostgreSQL server is away for a moment (restarting, failing over, the network between): a request in that
/// window fails with these words instead of an error page, and nothing of it is saved. Npgsql marks such failures
/// transient (no connection, the server shutting down, too many connections); a pooled connection the restart broke is
/// dropped by Npgsql, so the next request after the server is back opens a fresh one.
/// </summary>
public static class DatabaseOutage
{
    public const string Message = "The database cannot be reached right now, so nothing was saved. Try again in a moment.";

    /// <summary>Whether the failure (or one it wraps, as EF Core's do) is the database being out of reach.</summary>
    public static bool Is(Exception? error) => error switch
    {
        null => false,
        NpgsqlException { IsTransient: true } => true,
        _ => Is(error.InnerException),
    };
}
