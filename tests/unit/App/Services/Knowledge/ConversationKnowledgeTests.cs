using System.Text;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Search;
using WebChat.Tests.Support.Documents;
using static WebChat.Tests.Unit.App.Services.Knowledge.KnowledgeTestHarness;

namespace WebChat.Tests.Unit.App.Services.Knowledge;

public class ConversationKnowledgeTests
{
    [Fact]
    public async Task A_file_attached_to_a_chat_is_cited_with_its_file_and_page_and_another_user_cannot_pick_it()
    {
        await using var harness = await StartAsync();
        var chat = await harness.NewConversationAsync("alice");
        await harness.Conversations.AttachAsync(Alice, chat, "report.pdf", TestDocuments.Pdf(["Summary of the year."], ["Net profit was 4.2 million euros in 2025."]));
        await harness.IngestAllAsync();

        var sources = await harness.Conversations.RetrieveAsync(Alice, chat, "What was the net profit?", contextTokens: 4096, answerTokens: 512);

        var first = sources!.Citations[0];
        Assert.Equal(("report.pdf, page 2", 1), (first.Location, first.Number));
        Assert.Contains("[1] report.pdf, page 2\nNet profit was 4.2 million", sources.SystemText, StringComparison.Ordinal);

        var attached = Assert.Single(await harness.Conversations.PickedAsync("alice", chat));
        var bobsChat = await harness.NewConversationAsync("bob");
        await harness.Conversations.PickAsync(Bob, bobsChat, [attached]);
        Assert.Empty(await harness.Conversations.PickedAsync("bob", bobsChat));
        Assert.Null(await harness.Conversations.RetrieveAsync(Bob, bobsChat, "What was the net profit?", 4096, 512));
        Assert.DoesNotContain(await harness.Service.ListAsync(Alice), c => c.Id == attached);
    }

    [Fact]
    public async Task A_hash_name_in_the_question_searches_that_shared_collection_for_another_user()
    {
        await using var harness = await StartAsync();
        var handbook = await harness.Service.CreateAsync(Alice, "handbook", CollectionScope.Shared);
        await harness.Service.AddDocumentAsync(Alice, handbook.Id, "travel.docx", TestDocuments.Docx(("Heading1", "Travel"), (null, "Trains are booked in second class.")));
        await harness.IngestAllAsync();
        var chat = await harness.NewConversationAsync("bob");

        var without = await harness.Conversations.RetrieveAsync(Bob, chat, "Which class for trains?", 4096, 512);
        var with = await harness.Conversations.RetrieveAsync(Bob, chat, "Which class for trains? #handbook", 4096, 512);

        Assert.Null(without);
        Assert.Equal("travel.docx › Travel", with!.Citations[0].Location);
    }

    [Fact]
    public void Sources_take_only_the_budget_left_after_the_question_and_the_answer_and_keep_the_best_first()
    {
        var passage = string.Join(' ', Enumerable.Repeat("word", 100));
        var hits = Enumerable.Range(1, 5).Select(i => new SearchHit(i, Guid.NewGuid(), Guid.NewGuid(), $"f{i}.md", null, null, passage, 1.0 / i)).ToList();

        var budget = SourcesPrompt.Budget(contextTokens: 1000, questionTokens: 300, answerTokens: 256, share: 0.5);
        var sources = SourcesPrompt.Build(hits, budget);
        var none = SourcesPrompt.Build(hits, SourcesPrompt.Budget(contextTokens: 600, questionTokens: 500, answerTokens: 256, share: 0.5));

        Assert.Equal(222, budget);
        Assert.Equal(["f1.md"], sources!.Citations.Select(c => c.FileName));
        Assert.True(WebChat.Services.Knowledge.Chunking.TokenCounter.Count(sources.SystemText) <= budget);
        Assert.Null(none);
    }

    [Fact]
    public async Task Citations_are_kept_with_the_answer_in_their_order()
    {
        await using var harness = await StartAsync();
        var chat = await harness.NewConversationAsync("alice");
        await using (var db = await harness.Db.CreateDbContextAsync())
        {
            db.Messages.Add(new Message { Id = Guid.Parse("00000000-0000-0000-0000-000000000001"), ConversationId = chat, Role = MessageRole.Assistant, Content = "See [1] and [2]." });
            await db.SaveChangesAsync();
        }

        var messageId = Guid.Parse("00000000-0000-0000-0000-000000000001");
        await harness.Conversations.SaveCitationsAsync(messageId, [new Citation(2, Guid.NewGuid(), "b.md", null, "B", "two"), new Citation(1, Guid.NewGuid(), "a.pdf", 3, null, "one")]);

        Assert.Equal(["a.pdf, page 3", "b.md › B"], (await harness.Conversations.CitationsAsync(messageId)).Select(c => c.Location));
    }
}
