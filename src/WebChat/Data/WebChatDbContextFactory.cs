using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Configuration;

namespace WebChat.Data;

/// <summary>
/// Creates the app's <see cref="WebChatDbContext"/> on the provider that Database:Provider names: a SQLite file
/// (WebChat:DatabasePath) or PostgreSQL (ConnectionStrings:WebChat, as a <see cref="PostgresWebChatDbContext"/>, so its
/// own migrations apply). Options are built on first use, after the options were validated.
/// </summary>
internal sealed class WebChatDbContextFactory : IDbContextFactory<WebChatDbContext>
{
    private readonly Lazy<Func<WebChatDbContext>> create;

    public WebChatDbContextFactory(IServiceProvider services, IOptions<DatabaseOptions> database, IOptions<ConnectionStringsOptions> connectionStrings, IOptions<WebChatOptions> app)
    {
        create = new Lazy<Func<WebChatDbContext>>(() => database.Value.Provider switch
        {
            DatabaseProvider.Postgres => Postgres(services, connectionStrings.Value.WebChat, app.Value.NodeName),
            _ => Sqlite(services, SqliteConnectionString(app.Value), app.Value.NodeName),
        });
    }

    public WebChatDbContext CreateDbContext() => create.Value();

    public static string SqliteConnectionString(WebChatOptions options) =>
        new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Pooling = true }.ToString();

    private static Func<WebChatDbContext> Sqlite(IServiceProvider services, string connectionString, string node)
    {
        var options = new DbContextOptionsBuilder<WebChatDbContext>()
            .UseSqlite(connectionString)
            .AddInterceptors(new SqliteConnectionSettings())
            .UseApplicationServiceProvider(services)
            .Options;
        return () => new WebChatDbContext(options) { Node = node };
    }

    private static Func<WebChatDbContext> Postgres(IServiceProvider services, string connectionString, string node)
    {
        var options = new DbContextOptionsBuilder<PostgresWebChatDbContext>()
            .UseNpgsql(connectionString)
            .UseApplicationServiceProvider(services)
            .Options;
        return () => new PostgresWebChatDbContext(options) { Node = node };
    }
}
