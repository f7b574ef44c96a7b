using System.Reflection;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Tests.Support.Postgres;
using WebChat.Tests.Unit.App.Data.Postgres;
using Xunit.Sdk;

namespace WebChat.Tests.Unit.App.Data;

/// <summary>The databases the app runs on; a data or service test marked <see cref="BothProvidersAttribute"/> runs on each.</summary>
public enum DataProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Runs a theory once per provider: on SQLite always, on PostgreSQL where its server binaries are installed (CI
/// installs them). Each run gets a database of its own: a temporary SQLite file, or a new database in one throwaway
/// cluster shared by the whole test run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BothProvidersAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        PostgresCluster.SkipReason is null ? [[DataProvider.Sqlite], [DataProvider.Postgres]] : [[DataProvider.Sqlite]];
}

/// <summary>What a test needs to put the app, or a bare context factory, on a provider.</summary>
public static class DataProviders
{
    // Started on first use; its watchdog stops it and removes its folder when the test process ends.
    private static readonly Lazy<Task<PostgresCluster>> Cluster = new(() => PostgresCluster.StartAsync());

    /// <summary>The app's settings for <paramref name="provider"/>: none for SQLite (the data folder's file), a new PostgreSQL database otherwise.</summary>
    public static async Task<(string Key, string Value)[]> SettingsAsync(DataProvider provider) => provider switch
    {
        DataProvider.Sqlite => [],
        _ => [("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", await NewPostgresDatabaseAsync())],
    };

    /// <summary>A context factory on a new PostgreSQL database (not yet migrated), or null for SQLite, where the caller makes its own file.</summary>
    public static async Task<IDbContextFactory<WebChatDbContext>?> FactoryAsync(DataProvider provider) =>
        provider == DataProvider.Sqlite ? null : new PostgresDbFactory(await NewPostgresDatabaseAsync());

    private static async Task<string> NewPostgresDatabaseAsync() => await (await Cluster.Value).CreateDatabaseAsync();
}
