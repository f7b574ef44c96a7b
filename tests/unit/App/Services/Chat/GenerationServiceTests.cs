using Microsoft.EntityFrameworkCore;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;

namespace WebChat.Tests.Unit.App.Services.Chat;

public class GenerationServiceTests
{
    [Fact]
    public async Task The_user_message_is_stored_before_the_engine_sees_the_request()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        List<Message>? seenByEngine = null;
        chat.Engine.Script = request =>
        {
            using var db = chat.Db.CreateDbContext();
            seenByEngine = db.Messages.AsNoTracking().OrderBy(m => m.Sequence).ToList();
            return ["ok"];
        };

        var id = (await chat.Generations.SendAsync("alice", null, "What is a GGUF file?")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        Assert.NotNull(seenByEngine);
        Assert.Collection(
            seenByEngine,
            user => Assert.Equal((MessageRole.User, "What is a GGUF file?", MessageStatus.Complete), (user.Role, user.Content, user.Status)),
            answer => Assert.Equal((MessageRole.Assistant, MessageStatus.Streaming), (answer.Role, answer.Status)));
    }

    [Fact]
    public async Task A_finished_answer_is_stored_complete_with_its_stats_and_one_usage_record()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.Script = _ => ["The ", "answer ", "is ", "42."];

        var id = (await chat.Generations.SendAsync("alice", null, "Question?")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        var answer = (await chat.MessagesAsync(id))[1];
        Assert.Equal(("The answer is 42.", MessageStatus.Complete, 4, "scripted-model"), (answer.Content, answer.Status, answer.CompletionTokens, answer.Model));
        var usage = Assert.Single(await chat.UsageAsync());
        Assert.Equal(("alice", id, "scripted-model", 12, 4, "Stop"), (usage.UserId, usage.ConversationId, usage.Model, usage.PromptTokens, usage.CompletionTokens, usage.FinishReason));
    }

    [Fact]
    public async Task The_title_comes_from_the_first_message()
    {
        await using var chat = await ChatTestHarness.StartAsync();

        var id = (await chat.Generations.SendAsync("alice", null, "## How do I quantize a model to Q4_0?\nDetails follow.")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        var detail = await chat.Conversations.GetAsync("alice", id);
        Assert.Equal("How do I quantize a model to Q4_0?", detail.Title);
    }

    [Fact]
    public async Task A_streaming_answer_is_written_to_the_database_before_it_ends()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        string? storedMidway = null;
        Guid conversation = default;
        chat.Engine.Script = _ => Tokens();

        IEnumerable<string> Tokens()
        {
            for (var i = 0; i < 10; i++)
            {
                if (i == 5)
                {
                    chat.Time.Advance(TimeSpan.FromSeconds(1));
                }

                if (i == 8)
                {
                    using var db = chat.Db.CreateDbContext();
                    storedMidway = db.Messages.AsNoTracking().Single(m => m.ConversationId == conversation && m.Role == MessageRole.Assistant).Content;
                }

                yield return $"t{i} ";
            }
        }

        chat.Engine.TokenDelay = TimeSpan.FromMilliseconds(5);
        conversation = (await chat.Generations.SendAsync("alice", null, "Stream please")).ConversationId;
        await chat.WaitForAnswerAsync(conversation);

        Assert.NotNull(storedMidway);
        Assert.StartsWith("t0 t1 t2 t3 t4 ", storedMidway, StringComparison.Ordinal);
        Assert.Equal("t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 ", (await chat.MessagesAsync(conversation))[1].Content);
    }

    [Fact]
    public async Task A_database_busy_during_the_periodic_save_neither_fails_nor_holds_up_the_answer()
    {
        await using var chat = await ChatTestHarness.StartAsync(busyTimeoutSeconds: 1);
        var writer = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={chat.DatabasePath};Pooling=False");
        await writer.OpenAsync();
        chat.Engine.Script = _ => Tokens();

        IEnumerable<string> Tokens()
        {
            for (var i = 0; i < 10; i++)
            {
                if (i == 3)
                {
                    // Another writer holds the database past the busy timeout while the next periodic save runs.
                    using var begin = writer.CreateCommand();
                    begin.CommandText = "BEGIN IMMEDIATE";
                    begin.ExecuteNonQuery();
                    chat.Time.Advance(TimeSpan.FromSeconds(1));
                }

                if (i == 5)
                {
                    Thread.Sleep(2500);
                    using var commit = writer.CreateCommand();
                    commit.CommandText = "COMMIT";
                    commit.ExecuteNonQuery();
                    chat.Time.Advance(TimeSpan.FromSeconds(1));
                }

                yield return $"t{i} ";
            }
        }

        var id = (await chat.Generations.SendAsync("alice", null, "Stream please")).ConversationId;
        await chat.WaitForAnswerAsync(id);
        await writer.DisposeAsync();

        var answer = (await chat.MessagesAsync(id))[1];
        Assert.Equal((MessageStatus.Complete, (string?)null), (answer.Status, answer.Error));
        Assert.Equal("t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 ", answer.Content);
    }

    [Fact]
    public async Task Stop_keeps_the_partial_answer_marked_stopped()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.Script = _ => Enumerable.Range(0, 10_000).Select(i => $"w{i} ");
        chat.Engine.TokenDelay = TimeSpan.FromMilliseconds(5);

        var generation = await chat.Generations.SendAsync("alice", null, "Write forever");
        var id = generation.ConversationId;
        Assert.Same(generation, chat.Registry.Find(id));
        await Eventually.TrueAsync(() => generation.Length >= 20);

        Assert.True(chat.Generations.Stop("alice", id));
        await generation.Finished.WaitAsync(TimeSpan.FromSeconds(10));

        var answer = (await chat.MessagesAsync(id))[1];
        Assert.Equal(MessageStatus.Stopped, answer.Status);
        Assert.StartsWith("w0 w1 ", answer.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("w9999", answer.Content, StringComparison.Ordinal);
        Assert.Null(answer.Error);
        Assert.Equal("Cancelled", Assert.Single(await chat.UsageAsync()).FinishReason);
    }

    [Fact]
    public async Task Another_user_cannot_stop_an_answer()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.TokenDelay = TimeSpan.FromMilliseconds(20);

        var id = (await chat.Generations.SendAsync("alice", null, "Hi")).ConversationId;

        Assert.False(chat.Generations.Stop("bob", id));
        await chat.WaitForAnswerAsync(id);
        Assert.Equal(MessageStatus.Complete, (await chat.MessagesAsync(id))[1].Status);
    }

    [Fact]
    public async Task No_model_loaded_fails_the_answer_with_the_engines_words_and_keeps_the_question()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.FailOnRequest = new ModelNotReadyException("No model is loaded. Ask an admin to load one.");

        var id = (await chat.Generations.SendAsync("alice", null, "Anyone there?")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        var messages = await chat.MessagesAsync(id);
        Assert.Equal("Anyone there?", messages[0].Content);
        Assert.Equal((MessageStatus.Failed, "No model is loaded. Ask an admin to load one."), (messages[1].Status, messages[1].Error));
        Assert.Equal("Error", Assert.Single(await chat.UsageAsync()).FinishReason);
    }

    [Fact]
    public async Task A_busy_engine_fails_the_answer_with_a_readable_message()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.FailOnRequest = new EngineBusyException(16);

        var id = (await chat.Generations.SendAsync("alice", null, "Hello?")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        Assert.Contains("busy", (await chat.MessagesAsync(id))[1].Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_engine_crash_mid_answer_keeps_the_partial_text_and_says_what_happened()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.Script = _ => ["one ", "two ", "three "];
        chat.Engine.CrashAfterTokens = 2;

        var id = (await chat.Generations.SendAsync("alice", null, "Count")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        var answer = (await chat.MessagesAsync(id))[1];
        Assert.Equal(("one two ", MessageStatus.Failed), (answer.Content, answer.Status));
        Assert.Contains("engine stopped unexpectedly", answer.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dropped_turns_become_a_notice_on_the_answer()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.DroppedTurns = 2;

        var id = (await chat.Generations.SendAsync("alice", null, "Long chat")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        Assert.Contains("2 oldest turn(s) were left out", (await chat.MessagesAsync(id))[1].Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sending_while_an_answer_is_being_written_is_refused_and_changes_nothing()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.TokenDelay = TimeSpan.FromMilliseconds(30);
        var id = (await chat.Generations.SendAsync("alice", null, "First")).ConversationId;

        await Assert.ThrowsAsync<GenerationInProgressException>(() => chat.Generations.SendAsync("alice", id, "Second"));

        await chat.WaitForAnswerAsync(id);
        Assert.Equal(2, (await chat.MessagesAsync(id)).Count);
    }

    [Fact]
    public async Task Regenerate_replaces_the_last_answer_and_does_not_send_the_old_one()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        var answers = new Queue<string[]>([["first answer"], ["second answer"]]);
        chat.Engine.Script = _ => answers.Dequeue();
        var id = (await chat.Generations.SendAsync("alice", null, "Question")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        await chat.Generations.RegenerateAsync("alice", id);
        await chat.WaitForAnswerAsync(id);

        var messages = await chat.MessagesAsync(id);
        Assert.Equal(["Question", "second answer"], messages.Select(m => m.Content));
        Assert.Equal([ChatRole.User], chat.Engine.Requests[1].Messages.Select(t => t.Role));
    }

    [Fact]
    public async Task Editing_a_message_replaces_everything_after_it()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        var id = (await chat.Generations.SendAsync("alice", null, "First question")).ConversationId;
        await chat.WaitForAnswerAsync(id);
        await chat.Generations.SendAsync("alice", id, "Second question");
        await chat.WaitForAnswerAsync(id);
        var first = (await chat.MessagesAsync(id))[0];

        await chat.Generations.EditAndResendAsync("alice", id, first.Id, "Better first question");
        await chat.WaitForAnswerAsync(id);

        var messages = await chat.MessagesAsync(id);
        Assert.Equal([MessageRole.User, MessageRole.Assistant], messages.Select(m => m.Role));
        Assert.Equal("Better first question", messages[0].Content);
        Assert.Equal(["Better first question"], chat.Engine.Requests[^1].Messages.Select(t => t.Content));
    }

    [Fact]
    public async Task The_request_carries_the_system_prompt_and_sampling_with_conversation_overrides_first()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        await chat.Settings.SaveAsync("alice", new ChatSettings("Be brief.", 0.2f, 0.5f, 64, null));
        var id = (await chat.Generations.SendAsync("alice", null, "One")).ConversationId;
        await chat.WaitForAnswerAsync(id);
        await chat.Conversations.SaveOverridesAsync("alice", id, new ConversationOverrides("Be a pirate.", 1.3f, null, null));

        await chat.Generations.SendAsync("alice", id, "Two");
        await chat.WaitForAnswerAsync(id);

        var (before, after) = (chat.Engine.Requests[0], chat.Engine.Requests[1]);
        Assert.Equal((ChatRole.System, "Be brief."), (before.Messages[0].Role, before.Messages[0].Content));
        Assert.Equal((0.2f, 0.5f, 64), (before.Sampling.Temperature, before.Sampling.TopP, before.MaxTokens));
        Assert.Equal("Be a pirate.", after.Messages[0].Content);
        Assert.Equal((1.3f, 0.5f, 64), (after.Sampling.Temperature, after.Sampling.TopP, after.MaxTokens));
        Assert.Equal(id.ToString(), after.ConversationKey);
    }
}
