using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Chat;
using WebChat.Tests.Unit.App.Data;

namespace WebChat.Tests.Unit.App.Services.Chat;

public class ConversationServiceTests
{
    [Theory]
    [BothProviders]
    public async Task Another_users_conversation_is_not_found_and_not_listed(DataProvider provider)
    {
        await using var chat = await ChatTestHarness.StartAsync(database: await DataProviders.FactoryAsync(provider));
        var id = (await chat.Generations.SendAsync("alice", null, "Alice's secret plan")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Conversations.GetAsync("bob", id));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Generations.SendAsync("bob", id, "Me too"));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Conversations.RenameAsync("bob", id, "Mine"));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Conversations.DeleteAsync("bob", id));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Transfer.ExportJsonAsync("bob", id));
        Assert.Empty(await chat.Conversations.ListAsync("bob", null));
        Assert.Empty(await chat.Conversations.ListAsync("bob", "secret"));
        Assert.Equal("Alice's secret plan", (await chat.Conversations.GetAsync("alice", id)).Title);
    }

    [Theory]
    [BothProviders]
    public async Task Search_finds_conversations_by_title_and_by_message_text(DataProvider provider)
    {
        await using var chat = await ChatTestHarness.StartAsync(database: await DataProviders.FactoryAsync(provider));
        chat.Engine.Script = _ => ["Use the llama.cpp quantize tool."];
        var quantize = (await chat.Generations.SendAsync("alice", null, "How to shrink a model")).ConversationId;
        await chat.WaitForAnswerAsync(quantize);
        chat.Engine.Script = _ => ["Sure."];
        var recipe = (await chat.Generations.SendAsync("alice", null, "Pancake recipe")).ConversationId;
        await chat.WaitForAnswerAsync(recipe);

        Assert.Equal([quantize], (await chat.Conversations.ListAsync("alice", "QUANTIZE")).Select(c => c.Id));
        Assert.Equal([recipe], (await chat.Conversations.ListAsync("alice", "pancake")).Select(c => c.Id));
        Assert.Equal(2, (await chat.Conversations.ListAsync("alice", "")).Count);
        Assert.Empty(await chat.Conversations.ListAsync("alice", "100%"));
    }

    [Theory]
    [BothProviders]
    public async Task Rename_and_delete_change_only_the_owners_conversation(DataProvider provider)
    {
        await using var chat = await ChatTestHarness.StartAsync(database: await DataProviders.FactoryAsync(provider));
        var id = (await chat.Generations.SendAsync("alice", null, "Hello")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        await chat.Conversations.RenameAsync("alice", id, "  Greetings  ");
        Assert.Equal("Greetings", (await chat.Conversations.GetAsync("alice", id)).Title);

        await chat.Conversations.DeleteAsync("alice", id);
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Conversations.GetAsync("alice", id));
        Assert.Empty(await chat.MessagesAsync(id));
    }

    [Theory]
    [BothProviders]
    public async Task Another_users_delete_while_an_answer_runs_neither_stops_nor_deletes_it(DataProvider provider)
    {
        await using var chat = await ChatTestHarness.StartAsync(database: await DataProviders.FactoryAsync(provider));
        using var release = new ManualResetEventSlim();
        chat.Engine.Script = _ => HeldAnswer(release);
        var id = (await chat.Generations.SendAsync("alice", null, "Hello")).ConversationId;
        var generation = chat.Registry.Find(id)!;

        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Conversations.DeleteAsync("bob", id));

        Assert.False(generation.IsStopRequested);
        release.Set();
        await chat.WaitForAnswerAsync(id);
        var answer = (await chat.MessagesAsync(id))[1];
        Assert.Equal((MessageStatus.Complete, "before after"), (answer.Status, answer.Content));
    }

    [Theory]
    [BothProviders]
    public async Task An_answer_left_streaming_by_a_killed_process_shows_as_stopped_with_its_text(DataProvider provider)
    {
        await using var chat = await ChatTestHarness.StartAsync(database: await DataProviders.FactoryAsync(provider));
        var id = (await chat.Generations.SendAsync("alice", null, "Hello")).ConversationId;
        await chat.WaitForAnswerAsync(id);
        await using (var db = await chat.Db.CreateDbContextAsync())
        {
            var answer = db.Messages.Single(m => m.ConversationId == id && m.Role == MessageRole.Assistant);
            answer.Status = MessageStatus.Streaming;
            answer.Content = "half an ans";
            await db.SaveChangesAsync();
        }

        var shown = (await chat.Conversations.GetAsync("alice", id)).Messages[1];

        Assert.Equal(("half an ans", MessageStatus.Stopped), (shown.Content, shown.Status));
        Assert.Contains("Interrupted", shown.Notice, StringComparison.Ordinal);
        Assert.Equal(MessageStatus.Stopped, (await chat.MessagesAsync(id))[1].Status);
    }

    [Fact]
    public async Task An_answer_that_finishes_between_reading_the_conversation_and_marking_is_shown_finished_not_interrupted()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        var id = (await chat.Generations.SendAsync("alice", null, "Hello")).ConversationId;
        await chat.WaitForAnswerAsync(id);
        await using (var db = await chat.Db.CreateDbContextAsync())
        {
            var answer = db.Messages.Single(m => m.ConversationId == id && m.Role == MessageRole.Assistant);
            answer.Status = MessageStatus.Streaming;
            await db.SaveChangesAsync();
        }

        // The runner's final save lands just after the page read the answer as streaming (and left the registry).
        var finishesAfterTheRead = new FinishAfterRead();
        var options = new DbContextOptionsBuilder<WebChatDbContext>()
            .UseSqlite($"Data Source={chat.DatabasePath};Pooling=False").AddInterceptors(finishesAfterTheRead).Options;
        var conversations = new ConversationService(new SingleFactory(options), chat.Registry);

        var shown = (await conversations.GetAsync("alice", id)).Messages[1];

        Assert.True(finishesAfterTheRead.Finished);
        Assert.Equal((MessageStatus.Complete, (string?)null), (shown.Status, shown.Notice));
        Assert.Equal(MessageStatus.Complete, (await chat.MessagesAsync(id))[1].Status);
    }

    private sealed class FinishAfterRead : DbCommandInterceptor
    {
        public bool Finished { get; private set; }

        public override async ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
        {
            if (!Finished && command.CommandText.Contains("FROM \"Conversations\"", StringComparison.Ordinal))
            {
                Finished = true;
                await using var finish = command.Connection!.CreateCommand();
                finish.CommandText = "UPDATE Messages SET Status = 'Complete' WHERE Status = 'Streaming'";
                await finish.ExecuteNonQueryAsync();
            }

            return result;
        }
    }

    private sealed class SingleFactory(DbContextOptions<WebChatDbContext> options) : IDbContextFactory<WebChatDbContext>
    {
        public WebChatDbContext CreateDbContext() => new(options);
    }

    [Theory]
    [BothProviders]
    public async Task Sampling_values_out_of_range_are_refused_with_a_reason(DataProvider provider)
    {
        await using var chat = await ChatTestHarness.StartAsync(database: await DataProviders.FactoryAsync(provider));

        var error = await Assert.ThrowsAsync<InvalidChatOperationException>(() => chat.Settings.SaveAsync("alice", new ChatSettings(null, 3f, null, null, null)));

        Assert.Contains("Temperature", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [BothProviders]
    public async Task A_system_prompt_longer_than_the_limit_is_refused_in_settings_and_in_a_conversations_overrides(DataProvider provider)
    {
        await using var chat = await ChatTestHarness.StartAsync(database: await DataProviders.FactoryAsync(provider));
        var id = (await chat.Generations.SendAsync("alice", null, "hi")).ConversationId;
        await chat.WaitForAnswerAsync(id);
        var tooLong = new string('x', SamplingRules.MaxSystemPromptLength + 1);

        var inSettings = await Assert.ThrowsAsync<InvalidChatOperationException>(() => chat.Settings.SaveAsync("alice", new ChatSettings(tooLong, null, null, null, null)));
        var inOverrides = await Assert.ThrowsAsync<InvalidChatOperationException>(
            () => chat.Conversations.SaveOverridesAsync("alice", id, new ConversationOverrides(tooLong, null, null, null)));

        Assert.Contains($"{SamplingRules.MaxSystemPromptLength:N0} characters", inSettings.Message, StringComparison.Ordinal);
        Assert.Contains($"{SamplingRules.MaxSystemPromptLength:N0} characters", inOverrides.Message, StringComparison.Ordinal);
        Assert.Null((await chat.Settings.GetAsync("alice")).SystemPrompt);
        await chat.Settings.SaveAsync("alice", new ChatSettings(new string('x', SamplingRules.MaxSystemPromptLength), null, null, null, null));
    }

    // The answer waits for the test between its two tokens, so the test acts while it runs without timing.
    private static IEnumerable<string> HeldAnswer(ManualResetEventSlim release)
    {
        yield return "before";
        release.Wait(TimeSpan.FromSeconds(30));
        yield return " after";
    }
}
