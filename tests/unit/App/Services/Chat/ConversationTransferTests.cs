using System.Text;
using WebChat.Data.Entities;
using WebChat.Services.Chat;

namespace WebChat.Tests.Unit.App.Services.Chat;

public class ConversationTransferTests
{
    [Fact]
    public async Task A_json_export_imports_as_a_new_conversation_with_the_same_messages()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.Script = _ => ["| a | b |\n|---|---|\n| 1 | 2 |"];
        var id = (await chat.Generations.SendAsync("alice", null, "Make a table")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        var json = await chat.Transfer.ExportJsonAsync("alice", id);
        var copy = await chat.Transfer.ImportJsonAsync("bob", new MemoryStream(Encoding.UTF8.GetBytes(json)));

        var imported = await chat.Conversations.GetAsync("bob", copy);
        Assert.NotEqual(id, copy);
        Assert.Equal("Make a table", imported.Title);
        Assert.Equal(
            (await chat.Conversations.GetAsync("alice", id)).Messages.Select(m => (m.Role, m.Content, m.Status)),
            imported.Messages.Select(m => (m.Role, m.Content, m.Status)));
    }

    [Fact]
    public async Task Imports_per_hour_are_limited_per_user_and_the_hour_slides()
    {
        await using var chat = await ChatTestHarness.StartAsync(new ChatOptions { MaxImportsPerHour = 2 });

        await chat.Transfer.ImportJsonAsync("bob", File("one"));
        await chat.Transfer.ImportJsonAsync("bob", File("two"));
        var refused = await Assert.ThrowsAsync<ConversationImportException>(() => chat.Transfer.ImportJsonAsync("bob", File("three")));
        await chat.Transfer.ImportJsonAsync("alice", File("someone else"));
        chat.Time.Advance(TimeSpan.FromMinutes(61));
        await chat.Transfer.ImportJsonAsync("bob", File("an hour later"));

        Assert.Contains("2 conversations an hour", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await chat.Conversations.ListAsync("bob", null)).Count);
    }

    [Fact]
    public async Task An_import_that_would_pass_the_users_stored_total_is_refused_and_nothing_is_stored()
    {
        await using var chat = await ChatTestHarness.StartAsync(new ChatOptions { MaxStoredCharactersPerUser = 10_000 });
        await chat.Transfer.ImportJsonAsync("bob", File(new string('a', 6_000)));

        var refused = await Assert.ThrowsAsync<ConversationImportException>(() => chat.Transfer.ImportJsonAsync("bob", File(new string('b', 6_000))));

        Assert.Contains("10,000 characters", refused.Message, StringComparison.Ordinal);
        Assert.Single(await chat.Conversations.ListAsync("bob", null));
        await chat.Transfer.ImportJsonAsync("alice", File(new string('c', 6_000)));
    }

    private static MemoryStream File(string content) => new(Encoding.UTF8.GetBytes(
        $$"""{"format":"webchat.conversation","version":1,"title":"t","messages":[{"role":"User","content":"{{content}}","status":"Complete"}]}"""));

    [Fact]
    public async Task The_markdown_export_names_each_speaker_and_keeps_the_text()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        chat.Engine.Script = _ => ["**Bold** answer"];
        var id = (await chat.Generations.SendAsync("alice", null, "Question one")).ConversationId;
        await chat.WaitForAnswerAsync(id);

        var markdown = await chat.Transfer.ExportMarkdownAsync("alice", id);

        Assert.StartsWith("# Question one", markdown, StringComparison.Ordinal);
        Assert.Contains("## You", markdown, StringComparison.Ordinal);
        Assert.Contains("## Assistant (scripted-model)", markdown, StringComparison.Ordinal);
        Assert.Contains("**Bold** answer", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all", "not valid conversation JSON")]
    [InlineData("{\"format\":\"other\",\"version\":1,\"title\":\"x\",\"messages\":[]}", "not a WebChat conversation export")]
    [InlineData("{\"format\":\"webchat.conversation\",\"version\":9,\"title\":\"x\",\"messages\":[]}", "version 9")]
    [InlineData("{\"format\":\"webchat.conversation\",\"version\":1,\"title\":\"x\",\"messages\":[]}", "no messages")]
    [InlineData("{\"format\":\"webchat.conversation\",\"version\":1,\"title\":\"x\",\"messages\":[{\"role\":\"System\",\"content\":\"x\",\"status\":\"Complete\"}]}", "role")]
    [InlineData("{\"format\":\"webchat.conversation\",\"version\":1,\"title\":\"x\",\"overrides\":{\"maxTokens\":0},\"messages\":[{\"role\":\"User\",\"content\":\"x\",\"status\":\"Complete\"}]}", "\"overrides.maxTokens\" is 0")]
    [InlineData("{\"format\":\"webchat.conversation\",\"version\":1,\"title\":\"x\",\"overrides\":{\"temperature\":7},\"messages\":[{\"role\":\"User\",\"content\":\"x\",\"status\":\"Complete\"}]}", "\"overrides.temperature\" is 7")]
    [InlineData("{\"format\":\"webchat.conversation\",\"version\":1,\"title\":\"x\",\"overrides\":{\"topP\":0},\"messages\":[{\"role\":\"User\",\"content\":\"x\",\"status\":\"Complete\"}]}", "\"overrides.topP\" is 0")]
    public async Task A_bad_file_is_refused_with_a_reason_and_nothing_is_stored(string json, string reason)
    {
        await using var chat = await ChatTestHarness.StartAsync();

        var error = await Assert.ThrowsAsync<ConversationImportException>(() => chat.Transfer.ImportJsonAsync("bob", new MemoryStream(Encoding.UTF8.GetBytes(json))));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Empty(await chat.Conversations.ListAsync("bob", null));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused()
    {
        await using var chat = await ChatTestHarness.StartAsync(new ChatOptions { MaxImportBytes = 2048 });

        var error = await Assert.ThrowsAsync<ConversationImportException>(() => chat.Transfer.ImportJsonAsync("bob", new MemoryStream(new byte[4096])));

        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_more_messages_or_characters_than_the_limits_is_refused_with_the_numbers()
    {
        await using var chat = await ChatTestHarness.StartAsync(new ChatOptions { MaxImportMessages = 100, MaxImportCharacters = 1000 });

        var many = await Assert.ThrowsAsync<ConversationImportException>(() => chat.Transfer.ImportJsonAsync("bob", File(101, "hi")));
        var large = await Assert.ThrowsAsync<ConversationImportException>(() => chat.Transfer.ImportJsonAsync("bob", File(3, new string('x', 400))));

        Assert.Contains("101 messages; an import can have at most 100", many.Message, StringComparison.Ordinal);
        Assert.Contains("1,200 characters in all; an import can have at most 1,000", large.Message, StringComparison.Ordinal);
        Assert.Empty(await chat.Conversations.ListAsync("bob", null));
        await chat.Transfer.ImportJsonAsync("bob", File(100, "hi"));
        Assert.Single(await chat.Conversations.ListAsync("bob", null));
    }

    private static MemoryStream File(int messages, string content)
    {
        var items = Enumerable.Range(0, messages).Select(i => new { role = i % 2 == 0 ? "User" : "Assistant", content, status = "Complete" });
        var json = System.Text.Json.JsonSerializer.Serialize(new { format = "webchat.conversation", version = 1, title = "t", messages = items });
        return new MemoryStream(Encoding.UTF8.GetBytes(json));
    }
}
