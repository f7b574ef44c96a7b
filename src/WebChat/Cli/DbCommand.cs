using System.CommandLine;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Extensions;

namespace WebChat.Cli;

/// <summary>
/// `WebChat db copy --to postgres --connection "Host=...;Database=...;..."`: copies this node's SQLite database
/// (WebChat:DatabasePath, as the app reads it) into an empty PostgreSQL database, verifying row counts per table.
/// </summary>
internal static class DbCommand
{
    public static Command Create()
    {
        var to = new Option<string>("--to") { Description = "The target provider: postgres.", Required = true };
        to.AcceptOnlyFromAmong("postgres");
        var connection = new Option<string>("--connection") { Description = "The target PostgreSQL connection string; its database must exist and be empty.", Required = true };
        var copy = new Command("copy", "Copy the SQLite database (accounts, chats, models, usage, keys, settings, documents) into an empty PostgreSQL database.")
        {
            to, connection,
        };
        copy.TreatUnmatchedTokensAsErrors = false;
        copy.SetAction((result, cancellationToken) => CopyAsync(result.GetValue(connection)!, result.UnmatchedTokens.ToList(), cancellationToken));
        return new Command("db", "Database tasks.") { copy };
    }

    private static async Task<int> CopyAsync(string connectionString, IReadOnlyList<string> switches, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. switches], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddFilter(null, LogLevel.Warning);
        builder.AddWebChatOptions();
        // This node's own key ring (its folder's name, the service user's key files), to read the engine keys it stored.
        builder.Services.AddDataProtection();
        using var host = builder.Build();
        var target = DataExtensions.PostgresTarget(connectionString);
        try
        {
            var app = host.Services.GetRequiredService<IOptions<WebChatOptions>>().Value;
            if (!File.Exists(app.DatabasePath))
            {
                await Console.Error.WriteLineAsync($"There is no SQLite database at {app.DatabasePath} (WebChat:DatabasePath): nothing to copy.");
                return 1;
            }

            var sqlite = new DbContextOptionsBuilder<WebChatDbContext>()
                .UseSqlite(WebChatDbContextFactory.SqliteConnectionString(app))
                .AddInterceptors(new SqliteConnectionSettings())
                .Options;
            var postgres = new DbContextOptionsBuilder<PostgresWebChatDbContext>().UseNpgsql(connectionString).Options;
            await Console.Out.WriteLineAsync($"Copying {app.DatabasePath} into PostgreSQL {target}");
            IReadOnlyList<string> unreadable = [];
            var keyRing = host.Services.GetRequiredService<IDataProtectionProvider>();
            var counts = await DatabaseCopy.CopyAsync(
                () => new WebChatDbContext(sqlite), () => new PostgresWebChatDbContext(postgres), line => Console.Out.WriteLine("  " + line),
                async (copy, token) => unreadable = await EngineKeyTransfer.ReencryptAsync(keyRing, copy, token), cancellationToken);
            await Console.Out.WriteLineAsync($"Copied {counts.Sum(c => c.Target)} rows in {counts.Count} tables; every table's row count matches.");
            foreach (var engine in unreadable)
            {
                await Console.Out.WriteLineAsync(
                    $"The API key of remote engine \"{engine}\" could not be decrypted with this machine's key ring (run the copy as the user the service runs as): enter it again on Admin › Engines.");
            }

            await Console.Out.WriteLineAsync("Now set Database:Provider=Postgres and ConnectionStrings:WebChat on every node.");
            return 0;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync(string.Join(" ", e.Failures));
            return 1;
        }
        catch (DatabaseCopyException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"The PostgreSQL database {target} cannot be used: {e.Message}");
            return 1;
        }
    }
}
