using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Services.Chat;
using WebChat.Tests.Support.Postgres;
using WebChat.Tests.Unit.App.Cli;
using WebChat.Tests.Unit.App.Services.Chat;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>`WebChat db copy --to postgres`: a SQLite database made by the app, copied by the built command line.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseCopyTests(PostgresFixture postgres)
{
    [PostgresFact]
    public async Task After_the_copy_a_user_signs_in_with_their_password_and_finds_their_chats_and_every_table_has_its_rows()
    {
        var target = await postgres.Cluster.CreateDatabaseAsync();
        await using var sqlite = await AppServicesHost.StartAsync();
        var user = await RegisterAsync(sqlite, "dana@example.test");
        var sqliteDb = sqlite.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using (var chat = await ChatTestHarness.StartAsync(sqliteDb))
        {
            chat.Engine.Script = _ => ["Forty", "-two."];
            var id = (await chat.Generations.SendAsync(user.Id, null, "What is the answer?")).ConversationId;
            await chat.WaitForAnswerAsync(id);
        }

        var (exitCode, output, error) = await CopyAsync(sqlite.DataDirectory, target);

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("every table's row count matches", output, StringComparison.Ordinal);
        await using var copied = await AppServicesHost.StartAsync(("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", target));
        await using (var scope = copied.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var dana = await users.FindByEmailAsync("dana@example.test");
            Assert.NotNull(dana);
            Assert.True(await users.CheckPasswordAsync(dana, "Passw0rd!"));
            Assert.True(await users.IsInRoleAsync(dana, "Admin"));
        }

        var postgresDb = copied.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        var conversations = new ConversationService(postgresDb, new GenerationRegistry());
        var conversation = Assert.Single(await conversations.ListAsync(user.Id, null));
        var detail = await conversations.GetAsync(user.Id, conversation.Id);
        Assert.Equal(["What is the answer?", "Forty-two."], detail.Messages.Select(m => m.Content));

        foreach (var table in DatabaseCopy.InDependencyOrder(postgresDb.CreateDbContext().Model))
        {
            var name = table.GetTableName();
            Assert.Equal(await CountAsync(sqliteDb, name!), await CountAsync(postgresDb, name!));
        }

        // Rows came with their ids: the identity sequences moved past them, so the next row the app writes gets a new one.
        await using (var db = await postgresDb.CreateDbContextAsync())
        {
            var before = await db.UsageRecords.MaxAsync(u => u.Id);
            db.UsageRecords.Add(new UsageRecord { UserId = user.Id, Model = "m", FinishReason = "Stop", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            Assert.True(await db.UsageRecords.MaxAsync(u => u.Id) > before);
        }
    }

    [PostgresFact]
    public async Task A_target_that_already_holds_data_is_refused_and_left_as_it_was()
    {
        var target = await postgres.Cluster.CreateDatabaseAsync();
        await using var sqlite = await AppServicesHost.StartAsync();
        await RegisterAsync(sqlite, "erin@example.test");
        Assert.Equal(0, (await CopyAsync(sqlite.DataDirectory, target)).ExitCode);
        await RegisterAsync(sqlite, "frank@example.test");

        var (exitCode, output, error) = await CopyAsync(sqlite.DataDirectory, target);

        Assert.Equal(1, exitCode);
        Assert.Contains("The target database is not empty (table AspNetUsers has rows)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        await using var db = new PostgresDbFactory(target).CreateDbContext();
        Assert.Equal(["erin@example.test"], await db.Users.Select(u => u.Email).ToListAsync());
    }

    private static Task<(int ExitCode, string Output, string Error)> CopyAsync(string dataDirectory, string target) =>
        CliProcess.RunAsync(["db", "copy", "--to", "postgres", "--connection", target, $"--WebChat:DataDirectory={dataDirectory}"], terminal: false);

    private static async Task<long> CountAsync(IDbContextFactory<WebChatDbContext> factory, string table)
    {
        await using var db = await factory.CreateDbContextAsync();
        var quoted = db.Database.IsNpgsql() ? $"\"{table}\"" : $"[{table}]";
        var sql = "SELECT COUNT(*) AS \"Value\" FROM " + quoted;
        return await db.Database.SqlQueryRaw<long>(sql).SingleAsync();
    }

    private static async Task<ApplicationUser> RegisterAsync(AppServicesHost app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(email, "Passw0rd!");
        return result.User ?? throw new InvalidOperationException(string.Join(" ", result.Errors));
    }
}
