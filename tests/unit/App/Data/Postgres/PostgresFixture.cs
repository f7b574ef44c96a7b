using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Tests.Support.Postgres;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>One throwaway PostgreSQL cluster for every test of the collection; each test makes a database of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresCluster? cluster;

    public PostgresCluster Cluster => cluster ?? throw new InvalidOperationException(PostgresCluster.SkipReason ?? "The cluster did not start.");

    public async Task InitializeAsync()
    {
        if (PostgresCluster.SkipReason is null)
        {
            cluster = await PostgresCluster.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>A new empty database and a factory of the app's context on it (not yet migrated).</summary>
    public async Task<PostgresDbFactory> NewDatabaseAsync() => new(await Cluster.CreateDatabaseAsync());
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}

/// <summary>The app's context on one PostgreSQL database, as the app makes it there (so the PostgreSQL migrations apply).</summary>
public sealed class PostgresDbFactory(string connectionString) : IDbContextFactory<WebChatDbContext>
{
    private readonly DbContextOptions<PostgresWebChatDbContext> options =
        new DbContextOptionsBuilder<PostgresWebChatDbContext>().UseNpgsql(connectionString).Options;

    public string ConnectionString => connectionString;

    public WebChatDbContext CreateDbContext() => new PostgresWebChatDbContext(options);
}
