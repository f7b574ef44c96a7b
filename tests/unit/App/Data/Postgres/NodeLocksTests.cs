using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Services.Chat;
using WebChat.Services.Nodes;
using WebChat.Services.Quotas;
using WebChat.Tests.Support.Postgres;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>
/// Two nodes on one PostgreSQL database: an answer streaming on one is not marked interrupted by the other while its
/// node lives, and is once the node is gone; "requests at once" holds across nodes; locks come back after the server
/// dropped every connection; requests per minute hold across nodes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NodeLocksTests(PostgresFixture postgres)
{
    [PostgresFact]
    public async Task An_answer_streaming_on_a_live_node_stays_streaming_on_the_other_and_is_marked_interrupted_once_its_node_is_gone()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        var nodeA = await StartNodeAsync(database);
        await using var nodeB = await StartNodeAsync(database);
        var user = await RegisterAsync(nodeA, "writer@example.test");
        var (conversationId, answerId) = await StreamingAnswerAsync(nodeA, user.Id);
        var locksA = nodeA.Services.GetRequiredService<INodeLocks>();
        Assert.True(await locksA.TryTakeAsync(NodeLockNames.Answer(answerId)));
        var conversationsB = new ConversationService(
            nodeB.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>(), new GenerationRegistry(), nodeB.Services.GetRequiredService<INodeLocks>());

        var whileAlive = await conversationsB.GetAsync(user.Id, conversationId);
        await nodeA.DisposeAsync(); // its connection closes, as a killed node's does
        var afterDeath = await conversationsB.GetAsync(user.Id, conversationId);

        Assert.Equal(MessageStatus.Streaming, whileAlive.Messages[^1].Status);
        Assert.Equal(MessageStatus.Stopped, afterDeath.Messages[^1].Status);
        Assert.StartsWith("Interrupted", afterDeath.Messages[^1].Notice);
    }

    [PostgresFact]
    public async Task Requests_at_once_hold_across_nodes_and_a_place_given_back_on_one_node_serves_the_other()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        await using var nodeA = await StartNodeAsync(database);
        await using var nodeB = await StartNodeAsync(database);
        var user = await RegisterAsync(nodeA, "busy@example.test");
        await using (var db = await nodeA.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            db.UserQuotas.Add(new UserQuota { UserId = user.Id, ConcurrentRequests = 2 });
            await db.SaveChangesAsync();
        }

        var quotasA = Quotas(nodeA);
        var quotasB = Quotas(nodeB);
        var first = await quotasA.AcquireAsync(user.Id);
        var second = await quotasB.AcquireAsync(user.Id);

        await Assert.ThrowsAsync<QuotaExceededException>(() => quotasA.AcquireAsync(user.Id));
        await Assert.ThrowsAsync<QuotaExceededException>(() => quotasB.AcquireAsync(user.Id));
        first.Dispose();
        var third = await Eventually(() => quotasB.AcquireAsync(user.Id));

        Assert.NotNull(third);
        second.Dispose();
        third.Dispose();
    }

    [PostgresFact]
    public async Task Requests_per_minute_hold_across_nodes_and_each_admission_frees_its_place_a_minute_later()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        await using var nodeA = await StartNodeAsync(database);
        await using var nodeB = await StartNodeAsync(database);
        var user = await RegisterAsync(nodeA, "chatty@example.test");
        await using (var db = await nodeA.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            db.UserQuotas.Add(new UserQuota { UserId = user.Id, RequestsPerMinute = 3 });
            await db.SaveChangesAsync();
        }

        // Each node has its own clock object, as its own process would; both move on together.
        var (clockA, clockB) = (new FakeTimeProvider(DateTimeOffset.UtcNow), new FakeTimeProvider(DateTimeOffset.UtcNow));
        var quotasA = Quotas(nodeA, clockA);
        var quotasB = Quotas(nodeB, clockB);
        (await quotasA.AcquireAsync(user.Id)).Dispose();
        (await quotasB.AcquireAsync(user.Id)).Dispose();
        clockA.Advance(TimeSpan.FromSeconds(20));
        clockB.Advance(TimeSpan.FromSeconds(20));
        (await quotasA.AcquireAsync(user.Id)).Dispose();

        var refusedOnB = await Assert.ThrowsAsync<QuotaExceededException>(() => quotasB.AcquireAsync(user.Id));
        await Assert.ThrowsAsync<QuotaExceededException>(() => quotasA.AcquireAsync(user.Id));
        Assert.Contains("3 requests in the last minute", refusedOnB.Message, StringComparison.Ordinal);
        // A minute after the first two admissions their places are free again, on whichever node asks.
        clockA.Advance(TimeSpan.FromSeconds(41));
        clockB.Advance(TimeSpan.FromSeconds(41));
        (await Eventually(() => quotasB.AcquireAsync(user.Id))).Dispose();
        (await Eventually(() => quotasB.AcquireAsync(user.Id))).Dispose();
        await Assert.ThrowsAsync<QuotaExceededException>(() => quotasA.AcquireAsync(user.Id));
    }

    [PostgresFact]
    public async Task A_node_takes_its_locks_back_after_the_server_dropped_every_connection()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        await using var nodeA = await StartNodeAsync(database);
        await using var nodeB = await StartNodeAsync(database);
        var locksA = nodeA.Services.GetRequiredService<INodeLocks>();
        var locksB = nodeB.Services.GetRequiredService<INodeLocks>();
        Assert.True(await locksA.TryTakeAsync("held"));

        await using (var admin = new NpgsqlConnection(database + ";Pooling=false"))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", admin);
            await kill.ExecuteNonQueryAsync();
        }

        NpgsqlConnection.ClearAllPools();
        Assert.False(await locksB.IsHeldAsync("held")); // the server freed it with the connection
        Assert.True(await locksA.TryTakeAsync("other")); // the next use opens a connection and takes "held" back

        Assert.True(await locksB.IsHeldAsync("held"));
        Assert.False(await locksB.TryTakeAsync("held"));
        Assert.False(await locksA.TryTakeAsync("held")); // a node does not take its own lock twice
    }

    private static QuotaService Quotas(AppServicesHost node, TimeProvider? time = null) => new(
        node.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>(), time ?? TimeProvider.System, node.Services.GetRequiredService<INodeLocks>());

    // A place given back is released in the background: the next request may come a moment before it is free.
    private static async Task<T> Eventually<T>(Func<Task<T>> attempt)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (QuotaExceededException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    private static Task<AppServicesHost> StartNodeAsync(string database) =>
        AppServicesHost.StartAsync(("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", database));

    private static async Task<(Guid Conversation, Guid Answer)> StreamingAnswerAsync(AppServicesHost node, string userId)
    {
        await using var db = await node.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        var conversation = new Conversation { UserId = userId, Title = "Long story" };
        conversation.Messages.Add(new Message { Sequence = 0, Role = MessageRole.User, Content = "Tell me a long story" });
        var answer = new Message { Sequence = 1, Role = MessageRole.Assistant, Content = "Once", Status = MessageStatus.Streaming };
        conversation.Messages.Add(answer);
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        return (conversation.Id, answer.Id);
    }

    private static async Task<ApplicationUser> RegisterAsync(AppServicesHost app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(email, "Passw0rd!");
        return result.User ?? throw new InvalidOperationException(string.Join(" ", result.Errors));
    }
}
