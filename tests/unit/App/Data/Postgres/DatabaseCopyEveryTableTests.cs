using System.Reflection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Search;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.Support.Postgres;
using WebChat.Tests.Unit.App.Cli;
using WebChat.Tests.Unit.App.Services.Knowledge;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>
/// `WebChat db copy --to postgres` on a database the app filled, every table of the model holding rows: counts and every
/// row's values match, and the copy works as the app's database (sign-in, knowledge search).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseCopyEveryTableTests(PostgresFixture postgres)
{
    private static readonly MethodInfo RowsMethod = typeof(DatabaseCopyEveryTableTests).GetMethod(nameof(RowsAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    [PostgresFact]
    public async Task Every_table_of_a_database_the_app_filled_arrives_with_the_same_rows_and_values_and_the_copy_serves_sign_in_and_search()
    {
        var target = await postgres.Cluster.CreateDatabaseAsync();
        // The CLI's content root and the default key ring: the key ring a SQLite node and its `db copy` share.
        await using var sqlite = await AppServicesHost.StartAsync(b =>
        {
            b.Environment.ContentRootPath = AppContext.BaseDirectory;
            b.Services.AddDataProtection();
        });
        var user = await AppMadeDatabase.FillAsync(sqlite);
        var source = sqlite.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        var copy = new PostgresDbFactory(target);
        await using var model = await source.CreateDbContextAsync();
        var tables = model.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned()).ToList();
        foreach (var table in tables)
        {
            // A table the seed does not fill would make this test blind to its copy: a new table needs seed data.
            Assert.True((await RowsOfAsync(source, table)).Count > 0, $"Table {table.GetTableName()} has no rows in the source: add them to AppMadeDatabase.");
        }

        var (exitCode, output, error) = await CliProcess.RunAsync(
            ["db", "copy", "--to", "postgres", "--connection", target, $"--WebChat:DataDirectory={sqlite.DataDirectory}"], terminal: false);

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("remote engine \"Old box\" could not be decrypted", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"GPU box\"", output, StringComparison.Ordinal);
        foreach (var table in tables)
        {
            var from = await RowsOfAsync(source, table);
            var into = await RowsOfAsync(copy, table);
            // The copy adds the shared key ring's key, which encrypts the engine keys again (checked below).
            var added = table.ClrType == typeof(DataProtectionKey) ? 1 : 0;
            Assert.True(from.Count + added == into.Count, $"{table.GetTableName()}: {from.Count} rows in the source, {into.Count} in the copy.");
            var copied = into.ToDictionary(row => Key(table, row));
            foreach (var row in from)
            {
                Assert.True(copied.TryGetValue(Key(table, row), out var twin), $"{table.GetTableName()}: row {Key(table, row)} is missing from the copy.");
                foreach (var property in table.GetProperties().Where(p => !p.IsShadowProperty() && p.Name != nameof(RemoteEngine.ProtectedApiKey)))
                {
                    var expected = Comparable(property.GetGetter().GetClrValue(row));
                    var actual = Comparable(property.GetGetter().GetClrValue(twin));
                    Assert.True(Equals(expected, actual), $"{table.GetTableName()}.{property.Name} of {Key(table, row)}: {Show(expected)} in the source, {Show(actual)} in the copy.");
                }
            }
        }

        await using (var copied = await AppServicesHost.StartAsync(("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", target)))
        await using (var scope = copied.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var dana = await users.FindByIdAsync(user.Id);
            Assert.NotNull(dana);
            Assert.True(await users.CheckPasswordAsync(dana, AppMadeDatabase.Password));
            Assert.False(await users.CheckPasswordAsync(dana, "Wr0ng-password"));

            // The nodes' shared key ring reads the engine key the SQLite node stored; the unreadable one was cleared.
            var engines = await copy.CreateDbContext().RemoteEngines.ToDictionaryAsync(e => e.Name, e => e.ProtectedApiKey);
            var nodes = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector(RemoteEngines.ApiKeyPurpose);
            Assert.Equal(AppMadeDatabase.EngineKey, nodes.Unprotect(engines["GPU box"]!));
            Assert.Null(engines["Old box"]);
        }

        await using var db = copy.CreateDbContext();
        var collection = await db.KnowledgeCollections.Select(c => c.Id).SingleAsync();
        var search = new KnowledgeSearch(copy, new VectorIndex(copy), new EmbedderCatalog([KnowledgeTestHarness.SharedEmbedder]));
        foreach (var mode in new[] { SearchMode.Keyword, SearchMode.Vector })
        {
            var hits = await search.SearchAsync([collection], mode == SearchMode.Keyword ? "vault combination" : "what opens the safe", 5, mode);
            Assert.Contains(hits, h => h.Text.Contains(AppMadeDatabase.Passage, StringComparison.Ordinal));
        }
    }

    /// <summary>PostgreSQL keeps microseconds where SQLite keeps ticks: dates compare in UTC to the microsecond.</summary>
    private static object? Comparable(object? value) => value switch
    {
        DateTime d => new DateTime(d.ToUniversalTime().Ticks / 10 * 10, DateTimeKind.Utc),
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => value,
    };

    private static string? Show(object? value) => value is DateTime d ? d.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : value?.ToString();

    private static string Key(IEntityType table, object row) =>
        string.Join("|", table.FindPrimaryKey()!.Properties.Select(p => Convert.ToString(p.GetGetter().GetClrValue(row), System.Globalization.CultureInfo.InvariantCulture)));

    private static async Task<List<object>> RowsOfAsync(IDbContextFactory<WebChatDbContext> factory, IEntityType table)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await (Task<List<object>>)RowsMethod.MakeGenericMethod(table.ClrType).Invoke(null, [db])!;
    }

    private static async Task<List<object>> RowsAsync<TEntity>(WebChatDbContext db)
        where TEntity : class => (await db.Set<TEntity>().IgnoreQueryFilters().AsNoTracking().ToListAsync()).Cast<object>().ToList();
}
