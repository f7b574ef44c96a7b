using WebChat.Services.Knowledge.Chunking;
using WebChat.Services.Knowledge.Parsing;

namespace WebChat.Tests.Unit.App.Services.Knowledge.Chunking;

public class ChunkerTests
{
    private static readonly ChunkingOptions Small = new() { MaxTokens = 40, OverlapTokens = 12 };

    [Fact]
    public void Every_heading_starts_a_new_passage_that_carries_its_heading_path()
    {
        var document = new ParsedDocument([
            new DocumentBlock(BlockKind.Heading, "Plant", Level: 1),
            new DocumentBlock(BlockKind.Paragraph, "The plant opened in 1998."),
            new DocumentBlock(BlockKind.Heading, "Safety", Level: 2),
            new DocumentBlock(BlockKind.Paragraph, "Helmets are required."),
            new DocumentBlock(BlockKind.Heading, "Staff", Level: 1),
            new DocumentBlock(BlockKind.Paragraph, "Forty people work here."),
        ]);

        var chunks = Chunker.Split(document, Small);

        Assert.Equal([("Plant", "The plant opened in 1998."), ("Plant › Safety", "Helmets are required."), ("Staff", "Forty people work here.")],
            chunks.Select(c => (c.Heading!, c.Text)));
    }

    [Fact]
    public void A_new_page_starts_a_new_passage_that_records_its_page()
    {
        var document = new ParsedDocument([
            new DocumentBlock(BlockKind.Paragraph, "First page text.", Page: 1),
            new DocumentBlock(BlockKind.Paragraph, "Second page text.", Page: 2),
            new DocumentBlock(BlockKind.Paragraph, "More on page two.", Page: 2),
        ], PageCount: 2);

        var chunks = Chunker.Split(document, Small);

        Assert.Equal([(1, "First page text."), (2, "Second page text.\n\nMore on page two.")], chunks.Select(c => (c.Page!.Value, c.Text)));
    }

    [Fact]
    public void Passages_stay_within_the_budget_and_repeat_the_previous_sentence_as_overlap()
    {
        var sentences = Enumerable.Range(1, 30).Select(i => $"Sentence number {i} is here.").ToList();
        var document = new ParsedDocument([new DocumentBlock(BlockKind.Paragraph, string.Join(' ', sentences))]);

        var chunks = Chunker.Split(document, Small);

        Assert.True(chunks.Count > 3);
        Assert.All(chunks, c => Assert.True(c.Tokens <= Small.MaxTokens, $"{c.Tokens} tokens"));
        for (var i = 1; i < chunks.Count; i++)
        {
            // The next passage opens with the previous one's last whole sentences.
            var firstOfNext = chunks[i].Text.Split(". ")[0] + ".";
            Assert.Contains(chunks[i - 1].Text.Split(". ").Last(), chunks[i].Text, StringComparison.Ordinal);
            Assert.Contains(firstOfNext, chunks[i - 1].Text, StringComparison.Ordinal);
        }

        // Nothing lost: every sentence is in some passage.
        Assert.All(sentences, s => Assert.Contains(chunks, c => c.Text.Contains(s, StringComparison.Ordinal)));
    }

    [Fact]
    public void A_single_sentence_longer_than_the_budget_is_cut_at_words()
    {
        var words = string.Join(' ', Enumerable.Range(1, 100).Select(i => $"w{i}"));
        var document = new ParsedDocument([new DocumentBlock(BlockKind.Paragraph, words)]);

        var chunks = Chunker.Split(document, Small with { OverlapTokens = 0 });

        Assert.All(chunks, c => Assert.True(c.Tokens <= Small.MaxTokens));
        Assert.Equal(words, string.Join(' ', chunks.Select(c => c.Text)));
    }
}
