using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Services.Models;
using WebChat.Services.Nodes;

namespace WebChat.Extensions;

internal static class DataExtensions
{
    /// <summary>The Data Protection application name every PostgreSQL node shares (a SQLite node keeps its folder's).</summary>
    public const string SharedKeyRingName = "WebChat";

    /// <summary>
    /// The database that Database:Provider names (a SQLite file in the data directory by default, or PostgreSQL);
    /// components use IDbContextFactory, Identity the scoped context.
    /// </summary>
    public static IHostApplicationBuilder AddWebChatData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName)).ValidateOnStart();
        builder.Services.AddOptions<ConnectionStringsOptions>().Bind(builder.Configuration.GetSection(ConnectionStringsOptions.SectionName));
        builder.Services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        builder.Services.AddSingleton<IDbContextFactory<WebChatDbContext>, WebChatDbContextFactory>();
        builder.Services.AddScoped(services => services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContext());
        if (UsesPostgres(builder.Configuration))
        {
            // Every node must read every other node's sign-in cookies, antiforgery tokens and encrypted engine keys: one
            // key ring in the shared database, and one application name (the default is the content root, which differs
            // between machines). A single SQLite node keeps the key ring and name it always had, so its cookies and
            // stored engine keys stay readable.
            builder.Services.AddDataProtection().SetApplicationName(SharedKeyRingName).PersistKeysToDbContext<WebChatDbContext>();

            // Revocations and other changes reach the other nodes through the database's LISTEN/NOTIFY.
            builder.Services.AddSingleton<PostgresNodeSignals>();
            builder.Services.AddSingleton<INodeSignals>(services => services.GetRequiredService<PostgresNodeSignals>());
            builder.Services.AddHostedService(services => services.GetRequiredService<PostgresNodeSignals>());

            // Live answers and "requests at once" places, held by the node while it lives, freed by its death.
            builder.Services.AddSingleton<INodeLocks, PostgresNodeLocks>();
        }
        else
        {
            builder.Services.AddSingleton<INodeSignals, SingleNodeSignals>();
            builder.Services.AddSingleton<INodeLocks, SingleNodeLocks>();
        }

        return builder;
    }

    /// <summary>
    /// Applies pending migrations (and on SQLite switches the file to WAL, so readers never wait for the writer). A
    /// PostgreSQL server that cannot be reached stops the start with a <see cref="DatabaseUnavailableException"/> naming
    /// the setting.
    /// </summary>
    public static async Task MigrateWebChatDatabaseAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WebChat");
        var options = app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var target = PostgresTarget(app.Services.GetRequiredService<IOptions<ConnectionStringsOptions>>().Value.WebChat);
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
            }
            catch (Exception e) when (e is NpgsqlException or ArgumentException)
            {
                throw new DatabaseUnavailableException(
                    $"The PostgreSQL database {target} named by ConnectionStrings:WebChat (Database:Provider is Postgres) cannot be used: {e.Message} " +
                    "Check that the server runs and accepts this connection string, or set Database:Provider to Sqlite.", e);
            }

            logger.LogInformation("Node {Node}: data directory {DataDirectory}, database PostgreSQL {Database}, models {ModelsDirectory}",
                db.Node, options.DataDirectory, target, options.ModelsDirectory);
        }
        else
        {
            await db.Database.MigrateAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            logger.LogInformation("Data directory {DataDirectory}, database {DatabasePath}, models {ModelsDirectory}",
                options.DataDirectory, options.DatabasePath, options.ModelsDirectory);
        }

        await ModelCopyRows.RecordPresentAsync(db, options.ModelsDirectory, database.Provider != DatabaseProvider.Postgres, cancellationToken);
        if (!await db.Users.AnyAsync(cancellationToken))
        {
            logger.LogWarning("No account exists yet: open the app in a browser and register. The first account becomes the administrator.");
        }
    }

    /// <summary>Whether Database:Provider names PostgreSQL (read at registration; the options validate the value at start).</summary>
    public static bool UsesPostgres(IConfiguration configuration) =>
        string.Equals(configuration[$"{DatabaseOptions.SectionName}:{nameof(DatabaseOptions.Provider)}"], nameof(DatabaseProvider.Postgres), StringComparison.OrdinalIgnoreCase);

    /// <summary>Host, port and database of a connection string, never its password: for logs and start-up errors.</summary>
    public static string PostgresTarget(string connectionString)
    {
        try
        {
            var parts = new NpgsqlConnectionStringBuilder(connectionString);
            return $"'{parts.Database}' on {parts.Host}:{parts.Port}";
        }
        catch (ArgumentException)
        {
            return "(unreadable connection string)";
        }
    }
}
