using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;

namespace WebChat.Extensions;

internal static class DataExtensions
{
    /// <summary>SQLite file in the data directory; components use IDbContextFactory, Identity the scoped context.</summary>
    public static IHostApplicationBuilder AddWebChatData(this IHostApplicationBuilder builder)
    {
        var connectionSettings = new SqliteConnectionSettings();
        builder.Services.AddDbContextFactory<WebChatDbContext>((services, options) => options
            .UseSqlite(ConnectionString(services.GetRequiredService<IOptions<WebChatOptions>>().Value))
            .AddInterceptors(connectionSettings));
        return builder;
    }

    public static string ConnectionString(WebChatOptions options) =>
        new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Pooling = true }.ToString();

    /// <summary>Applies pending migrations and switches the file to WAL, so readers never wait for the writer.</summary>
    public static async Task MigrateWebChatDatabaseAsync(this IHost app, CancellationToken cancellationToken = default)
    {
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);

        var options = app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WebChat");
        logger.LogInformation("Data directory {DataDirectory}, database {DatabasePath}, models {ModelsDirectory}",
            options.DataDirectory, options.DatabasePath, options.ModelsDirectory);
        if (!await db.Users.AnyAsync(cancellationToken))
        {
            logger.LogWarning("No account exists yet: open the app in a browser and register. The first account becomes the administrator.");
        }
    }
}
