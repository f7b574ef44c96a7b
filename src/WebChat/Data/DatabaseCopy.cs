using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace WebChat.Data;

/// <summary>One table's rows in the source and, after the copy, in the target.</summary>
public sealed record TableCount(string Table, long Source, long Target);

/// <summary>Why a copy did not happen or did not verify; the message is for the person running it.</summary>
public sealed class DatabaseCopyException(string message) : Exception(message);

/// <summary>
/// Copies every table of one WebChat database into another of the same model (SQLite into PostgreSQL, for
/// <c>WebChat db copy</c>): entities are read and written through EF Core, so each provider converts its own types
/// (SQLite's text Guids and dates become uuid and timestamptz). Tables go principals first; the whole copy is one
/// transaction on the target, so a failure leaves it as it was. Refuses a target that holds data, and verifies row counts.
/// </summary>
public static class DatabaseCopy
{
    private const int BatchSize = 500;

    private static readonly MethodInfo CopyTableMethod = typeof(DatabaseCopy).GetMethod(nameof(CopyTableAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CountMethod = typeof(DatabaseCopy).GetMethod(nameof(CountAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// Migrates both databases to the current model, then copies. <paramref name="progress"/> hears each table as it is
    /// done; <paramref name="beforeCommit"/> may change the verified copy in its transaction (engine keys for the
    /// target's key ring); the result lists every table's counts.
    /// </summary>
    public static async Task<IReadOnlyList<TableCount>> CopyAsync(
        Func<WebChatDbContext> source, Func<WebChatDbContext> target, Action<string>? progress = null,
        Func<WebChatDbContext, CancellationToken, Task>? beforeCommit = null, CancellationToken cancellationToken = default)
    {
        await using (var db = source())
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        await using var into = target();
        await into.Database.MigrateAsync(cancellationToken);
        var tables = InDependencyOrder(into.Model);
        if (await FirstTableWithDataAsync(into, tables, cancellationToken) is { } filled)
        {
            throw new DatabaseCopyException(
                $"The target database is not empty (table {filled} has rows): copy only into a new, empty database, so nothing there is overwritten or mixed.");
        }

        await using var transaction = await into.Database.BeginTransactionAsync(cancellationToken);
        foreach (var table in tables.Where(t => SeedRows(into, t) > 0))
        {
            // The migrations' seed rows (the two roles) are in both databases: the source's copy replaces the target's.
            // Table and column names in this class come from the model, never from input.
            var delete = "DELETE FROM " + Quoted(into, table);
            await into.Database.ExecuteSqlRawAsync(delete, cancellationToken);
        }

        foreach (var table in tables)
        {
            await using var from = source();
            var copied = await (Task<long>)CopyTableMethod.MakeGenericMethod(table.ClrType).Invoke(null, [from, into, cancellationToken])!;
            progress?.Invoke($"{table.GetTableName()}: {copied} rows");
        }

        await RestartIdentitySequencesAsync(into, tables, cancellationToken);
        var counts = new List<TableCount>();
        foreach (var table in tables)
        {
            await using var from = source();
            counts.Add(new TableCount(table.GetTableName()!, await CountOfAsync(from, table, cancellationToken), await CountOfAsync(into, table, cancellationToken)));
        }

        if (counts.FirstOrDefault(c => c.Source != c.Target) is { } wrong)
        {
            throw new DatabaseCopyException($"Table {wrong.Table} has {wrong.Source} rows in the source but {wrong.Target} in the target: nothing was kept.");
        }

        if (beforeCommit is not null)
        {
            await beforeCommit(into, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return counts;
    }

    /// <summary>Principal tables before their dependents (a row's foreign keys must find their rows).</summary>
    internal static IReadOnlyList<IEntityType> InDependencyOrder(IModel model)
    {
        var remaining = model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned()).OrderBy(e => e.GetTableName(), StringComparer.Ordinal).ToList();
        var ordered = new List<IEntityType>();
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(e => e.GetForeignKeys().All(fk => fk.PrincipalEntityType == e || ordered.Contains(fk.PrincipalEntityType)))
                ?? throw new InvalidOperationException("The model's foreign keys form a cycle between tables.");
            ordered.Add(next);
            remaining.Remove(next);
        }

        return ordered;
    }

    private static async Task<string?> FirstTableWithDataAsync(WebChatDbContext db, IReadOnlyList<IEntityType> tables, CancellationToken cancellationToken)
    {
        foreach (var table in tables)
        {
            var seeded = SeedRows(db, table);
            if (await CountOfAsync(db, table, cancellationToken) > seeded)
            {
                return table.GetTableName();
            }
        }

        return null;
    }

    /// <summary>Rows the migrations themselves insert (HasData), which the runtime model does not carry.</summary>
    private static int SeedRows(WebChatDbContext db, IEntityType table) =>
        db.GetService<IDesignTimeModel>().Model.FindEntityType(table.Name)?.GetSeedData().Count() ?? 0;

    private static async Task<long> CopyTableAsync<TEntity>(WebChatDbContext from, WebChatDbContext into, CancellationToken cancellationToken)
        where TEntity : class
    {
        long copied = 0;
        await foreach (var row in from.Set<TEntity>().IgnoreQueryFilters().AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            into.Set<TEntity>().Add(row);
            if (++copied % BatchSize == 0)
            {
                await into.SaveChangesAsync(cancellationToken);
                into.ChangeTracker.Clear();
            }
        }

        await into.SaveChangesAsync(cancellationToken);
        into.ChangeTracker.Clear();
        return copied;
    }

    private static Task<long> CountOfAsync(WebChatDbContext db, IEntityType table, CancellationToken cancellationToken) =>
        (Task<long>)CountMethod.MakeGenericMethod(table.ClrType).Invoke(null, [db, cancellationToken])!;

    private static Task<long> CountAsync<TEntity>(WebChatDbContext db, CancellationToken cancellationToken)
        where TEntity : class => db.Set<TEntity>().IgnoreQueryFilters().LongCountAsync(cancellationToken); // every node's rows

    /// <summary>
    /// Rows were inserted with their own ids, which PostgreSQL's identity sequences did not hand out: move each sequence
    /// past the largest id, or the next row written by the app would collide.
    /// </summary>
    private static async Task RestartIdentitySequencesAsync(WebChatDbContext db, IReadOnlyList<IEntityType> tables, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return;
        }

        foreach (var table in tables)
        {
            foreach (var key in table.FindPrimaryKey()?.Properties ?? [])
            {
                if (key.ValueGenerated == ValueGenerated.OnAdd && (key.ClrType == typeof(long) || key.ClrType == typeof(int)))
                {
                    var column = key.GetColumnName();
                    var name = table.GetTableName()!;
                    var restart = $"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{column}'), COALESCE((SELECT MAX(\"{column}\") FROM \"{name}\"), 0) + 1, false)";
                    await db.Database.ExecuteSqlRawAsync(restart, cancellationToken);
                }
            }
        }
    }

    private static string Quoted(WebChatDbContext db, IEntityType table) =>
        db.Database.IsNpgsql() ? $"\"{table.GetTableName()}\"" : $"[{table.GetTableName()}]";
}
