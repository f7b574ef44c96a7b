using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;

namespace WebChat.Tests.Unit.App.Data;

public sealed class SqliteConnectionSettingsTests
{
    [Fact]
    public async Task Connections_of_the_app_wait_inside_SQLite_for_a_lock_and_commit_without_fsync_in_WAL()
    {
        await using var app = await AppServicesHost.StartAsync();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        Assert.Equal((long)SqliteConnectionSettings.BusyTimeout.TotalMilliseconds, await ScalarAsync(connection, "PRAGMA busy_timeout"));
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA synchronous")); // NORMAL
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task A_write_that_meets_another_writers_lock_waits_for_it_and_then_commits()
    {
        await using var app = await AppServicesHost.StartAsync();
        var factory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using (var setup = await factory.CreateDbContextAsync())
        {
            await setup.Database.ExecuteSqlRawAsync("CREATE TABLE probe (value INTEGER)");
        }

        var path = app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value.DatabasePath;
        await using var otherWriter = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await otherWriter.OpenAsync();
        await ExecuteAsync(otherWriter, "BEGIN IMMEDIATE; INSERT INTO probe VALUES (1);");

        var write = Task.Run(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            await db.Database.ExecuteSqlRawAsync("INSERT INTO probe VALUES (2)");
        });
        await Task.Delay(300);
        Assert.False(write.IsCompleted, "the write should wait for the lock, not fail with SQLITE_BUSY");

        await ExecuteAsync(otherWriter, "COMMIT");
        await write;
        Assert.Equal(2L, await ScalarAsync(otherWriter, "SELECT count(*) FROM probe"));
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
