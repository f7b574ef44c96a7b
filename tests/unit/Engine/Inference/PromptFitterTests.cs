using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference;

public sealed class PromptFitterTests
{
    // The fake's template is "<Role>content" per turn plus "<Assistant>", one token per character.
    private static readonly FakeInferenceBackend Backend = new(sequences: 1, contextPerSequence: 200);

    private static ChatRequest Conversation(int exchanges, int userLength = 20)
    {
        var turns = new List<ChatTurn> { new(ChatRole.System, "sys") };
        for (var i = 0; i < exchanges; i++)
        {
            turns.Add(new ChatTurn(ChatRole.User, new string((char)('a' + i), userLength)));
            turns.Add(new ChatTurn(ChatRole.Assistant, "ok"));
        }

        turns.Add(new ChatTurn(ChatRole.User, "last"));
        return new ChatRequest { Messages = turns };
    }

    [Fact]
    public void A_conversation_that_fits_is_templated_whole()
    {
        var request = Conversation(exchanges: 1);

        var prepared = PromptFitter.Prepare(request, Backend, minAnswerTokens: 50);

        Assert.Equal(Backend.ApplyTemplate(request.Messages).Length, prepared.PromptTokens.Length);
        Assert.Equal(0, prepared.DroppedTurns);
        Assert.Null(prepared.FitNote);
        Assert.Equal("fake-template", prepared.Template);
    }

    [Fact]
    public void The_oldest_exchanges_after_the_system_prompt_are_dropped_until_the_prompt_leaves_room_to_answer()
    {
        var prepared = PromptFitter.Prepare(Conversation(exchanges: 8), Backend, minAnswerTokens: 50);

        var text = new string(prepared.PromptTokens.Select(t => (char)t).ToArray());
        Assert.True(prepared.PromptTokens.Length <= 150, $"{prepared.PromptTokens.Length} tokens");
        Assert.StartsWith("<System>sys<User>", text, StringComparison.Ordinal);
        Assert.EndsWith("<User>last<Assistant>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aaaa", text, StringComparison.Ordinal);
        Assert.Contains("hhhh", text, StringComparison.Ordinal);
        Assert.Equal(0, prepared.DroppedTurns % 2);
        Assert.Contains($"{prepared.DroppedTurns} older turns", prepared.FitNote, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_turn_longer_than_the_context_keeps_its_start_token_and_its_end()
    {
        var request = new ChatRequest { Messages = [new ChatTurn(ChatRole.User, "S" + new string('x', 500) + "END")] };

        var prepared = PromptFitter.Prepare(request, Backend, minAnswerTokens: 50);

        var text = new string(prepared.PromptTokens.Select(t => (char)t).ToArray());
        Assert.Equal(150, prepared.PromptTokens.Length);
        Assert.StartsWith("<", text, StringComparison.Ordinal);
        Assert.EndsWith("END<Assistant>", text, StringComparison.Ordinal);
        Assert.Contains("too long", prepared.FitNote, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_without_messages_is_refused()
    {
        Assert.Throws<ArgumentException>(() => PromptFitter.Prepare(new ChatRequest { Messages = [] }, Backend, 50));
    }

    [Fact]
    public void A_request_for_no_answer_tokens_is_refused()
    {
        var request = new ChatRequest { Messages = [new ChatTurn(ChatRole.User, "hi")], MaxTokens = 0 };

        Assert.Throws<ArgumentOutOfRangeException>(() => PromptFitter.Prepare(request, Backend, 50));
    }
}
