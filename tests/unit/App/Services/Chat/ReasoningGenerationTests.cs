using System.Text.Json;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.App.Services.Chat;

/// <summary>A reasoning model's &lt;think&gt; text through the chat: stored apart, timed, never sent back, exported in its own field.</summary>
public class ReasoningGenerationTests
{
    [Fact]
    public async Task Thinking_is_stored_apart_from_the_answer_with_its_duration_and_is_not_sent_back_next_turn()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.Script = _ => Thinking();

        var id = (await chat.Generations.SendAsync("alice", null, "What is 2+2?")).ConversationId;
        await chat.WaitForAnswerAsync(id);
        chat.Engine.Script = _ => ["Sure."];
        await chat.Generations.SendAsync("alice", id, "Thanks");
        await chat.WaitForAnswerAsync(id);

        var answer = (await chat.MessagesAsync(id))[1];
        Assert.Equal(("It is 4.", "Two plus two is four.", 2000d), (answer.Content, answer.Reasoning, answer.ReasoningMs));
        var secondTurn = chat.Engine.Requests[1].Messages;
        Assert.Equal(["What is 2+2?", "It is 4.", "Thanks"], secondTurn.Select(t => t.Content));
        Assert.DoesNotContain(secondTurn, t => t.Content.Contains("Two plus two", StringComparison.Ordinal));

        IEnumerable<string> Thinking()
        {
            yield return "<think>";
            yield return "Two plus two";
            chat.Time.Advance(TimeSpan.FromSeconds(2));
            yield return " is four.</think>\n\n";
            yield return "It is 4.";
        }
    }

    [Fact]
    public async Task Exports_carry_the_reasoning_in_its_own_field_not_in_the_answer()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.Script = _ => ["<think>hidden plan</think>", "Visible answer."];
        var id = (await chat.Generations.SendAsync("alice", null, "Go")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        var json = JsonDocument.Parse(await chat.Transfer.ExportJsonAsync("alice", id));
        var exported = json.RootElement.GetProperty("messages")[1];
        Assert.Equal(("Visible answer.", "hidden plan"), (exported.GetProperty("content").GetString(), exported.GetProperty("reasoning").GetString()));

        await using var copy = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json.RootElement.GetRawText()));
        var imported = await chat.Transfer.ImportJsonAsync("alice", copy);
        var message = (await chat.MessagesAsync(imported))[1];
        Assert.Equal(("Visible answer.", "hidden plan", MessageStatus.Complete), (message.Content, message.Reasoning, message.Status));
    }

    [Fact]
    public async Task Stopping_while_the_model_thinks_keeps_the_reasoning_and_an_empty_answer_out_of_the_next_prompt()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.Script = _ => ["<think>", "long ", "thought "];
        chat.Engine.CrashAfterTokens = null;
        var id = (await chat.Generations.SendAsync("alice", null, "Hmm")).ConversationId;
        await chat.WaitForAnswerAsync(id);
        chat.Engine.Script = _ => ["ok"];

        await chat.Generations.SendAsync("alice", id, "Again");
        await chat.WaitForAnswerAsync(id);

        var first = (await chat.MessagesAsync(id))[1];
        Assert.Equal(("", "long thought "), (first.Content, first.Reasoning));
        Assert.Equal([ChatRole.User, ChatRole.User], chat.Engine.Requests[1].Messages.Select(t => t.Role));
    }
}
