using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Search;
using WebChat.Tests.Support.Postgres;
using WebChat.Tests.Unit.App.Services.Chat;
using WebChat.Tests.Unit.App.Services.Knowledge;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>The app's data layer on a real PostgreSQL (its own migrations): accounts, chats, usage and knowledge search.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDataTests(PostgresFixture postgres)
{
    [PostgresFact]
    public async Task The_app_started_with_the_Postgres_provider_migrates_the_database_and_registers_and_signs_in_an_account()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        await using var app = await AppServicesHost.StartAsync(("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", database));

        await using var scope = app.Services.CreateAsyncScope();
        var registered = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync("first@example.test", "Passw0rd!");
        Assert.NotNull(registered.User);

        var db = scope.ServiceProvider.GetRequiredService<WebChatDbContext>();
        Assert.IsType<PostgresWebChatDbContext>(db);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var stored = await users.FindByEmailAsync("FIRST@example.test");
        Assert.NotNull(stored);
        Assert.True(await users.CheckPasswordAsync(stored, "Passw0rd!"));
        Assert.False(await users.CheckPasswordAsync(stored, "wrong"));
        Assert.True(await users.IsInRoleAsync(stored, "Admin"));
    }

    [PostgresFact]
    public async Task A_chat_is_stored_with_its_answer_and_usage_and_found_by_a_search_in_another_case()
    {
        await using var chat = await ChatTestHarness.StartAsync(await postgres.NewDatabaseAsync());
        chat.Engine.Script = _ => ["The ", "answer ", "is ", "42."];

        var id = (await chat.Generations.SendAsync("alice", null, "What is the Answer to the Great Question?")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        var messages = await chat.MessagesAsync(id);
        Assert.Equal(("The answer is 42.", MessageStatus.Complete), (messages[1].Content, messages[1].Status));
        var usage = Assert.Single(await chat.UsageAsync());
        Assert.Equal(("alice", id, 4), (usage.UserId, usage.ConversationId, usage.CompletionTokens));
        Assert.Equal(DateTimeKind.Utc, usage.CreatedAt.Kind);

        Assert.Equal(id, Assert.Single(await chat.Conversations.ListAsync("alice", "great QUESTION")).Id);
        Assert.Empty(await chat.Conversations.ListAsync("alice", "100%_literal"));
        Assert.Empty(await chat.Conversations.ListAsync("bob", "great question"));
    }

    [PostgresFact]
    public async Task Hybrid_keyword_and_vector_search_find_the_passage_on_PostgreSQL()
    {
        await using var harness = await KnowledgeTestHarness.StartAsync(database: await postgres.NewDatabaseAsync());
        var collection = await harness.Service.CreateAsync(KnowledgeTestHarness.Alice, "handbook", CollectionScope.Private);
        foreach (var (file, text) in new[]
        {
            ("leave.md", "# Leave\n\nEvery employee gets 27 days of paid leave."),
            ("parts.md", "# Parts\n\nOrder replacement gaskets with part code ZX81Q."),
            ("travel.md", "# Travel\n\nTrains are booked through the travel desk."),
        })
        {
            await harness.Service.AddDocumentAsync(KnowledgeTestHarness.Alice, collection.Id, file, Encoding.UTF8.GetBytes(text));
        }

        await harness.IngestAllAsync();

        var keyword = await harness.Search.SearchAsync([collection.Id], "Which part code for gaskets? ZX81Q", 3, SearchMode.Keyword);
        Assert.Contains("ZX81Q", keyword[0].Text, StringComparison.Ordinal);
        // Stemming as FTS5's porter tokenizer does: "booking trains" matches "booked" and "Trains".
        Assert.Contains("travel desk", (await harness.Search.SearchAsync([collection.Id], "booking trains", 3, SearchMode.Keyword))[0].Text, StringComparison.Ordinal);
        Assert.Contains("27 days", (await harness.Search.SearchAsync([collection.Id], "how much holiday do I get", 3, SearchMode.Vector))[0].Text, StringComparison.Ordinal);
        Assert.Contains("27 days", (await harness.Search.SearchAsync([collection.Id], "how much holiday do I get", 3))[0].Text, StringComparison.Ordinal);
        Assert.Empty(await harness.Search.SearchAsync([Guid.NewGuid()], "ZX81Q", 3, SearchMode.Keyword));
    }
}
