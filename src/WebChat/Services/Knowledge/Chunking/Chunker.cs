using System.Text.RegularExpressions;
using WebChat.Services.Knowledge.Parsing;

namespace WebChat.Services.Knowledge.Chunking;

/// <summary>
/// Cuts a parsed document into passages that follow its structure: a heading or a new page always starts a new
/// passage; paragraphs are packed up to the token budget; a paragraph over the budget is cut at sentences (lines for
/// code), a sentence over it at words. Within one section the next passage repeats the tail of the previous one.
/// </summary>
public sealed partial class Chunker(ChunkingOptions options)
{
    private readonly List<DocumentChunk> chunks = [];
    private readonly List<string> pieces = [];
    private readonly string?[] headings = new string?[7];
    private int pieceTokens;

    // True while the pieces hold only the previous passage's repeated tail: that alone never becomes a passage.
    private bool onlyOverlap;
    private int? page;

    public static IReadOnlyList<DocumentChunk> Split(ParsedDocument document, ChunkingOptions options) =>
        new Chunker(options).Run(document);

    private IReadOnlyList<DocumentChunk> Run(ParsedDocument document)
    {
        foreach (var block in document.Blocks)
        {
            if (block.Page != page)
            {
                Flush(keepOverlap: false);
                page = block.Page;
            }

            if (block.Kind == BlockKind.Heading)
            {
                Flush(keepOverlap: false);
                var level = Math.Clamp(block.Level, 1, 6);
                headings[level] = block.Text;
                Array.Clear(headings, level + 1, headings.Length - level - 1);
                continue;
            }

            var firstOfBlock = true;
            foreach (var unit in Units(block))
            {
                var tokens = TokenCounter.Count(unit);
                if (pieceTokens > 0 && pieceTokens + tokens > options.MaxTokens)
                {
                    if (onlyOverlap)
                    {
                        Discard();
                    }
                    else
                    {
                        Flush(keepOverlap: true);
                    }
                }

                // Pieces of one block (its sentences or lines) join as they were written; blocks join as paragraphs.
                if (!firstOfBlock && pieces.Count > 0 && !onlyOverlap)
                {
                    pieces[^1] += (block.Kind == BlockKind.Code ? "\n" : " ") + unit;
                }
                else
                {
                    pieces.Add(unit);
                }

                pieceTokens += tokens;
                onlyOverlap = false;
                firstOfBlock = false;
            }
        }

        Flush(keepOverlap: false);
        return chunks;
    }

    /// <summary>The block whole when it fits, else its sentences (lines for code), else words in budget-sized runs.</summary>
    private IEnumerable<string> Units(DocumentBlock block)
    {
        if (TokenCounter.Count(block.Text) <= options.MaxTokens)
        {
            yield return block.Text;
            yield break;
        }

        var parts = block.Kind == BlockKind.Code ? block.Text.Split('\n') : Sentences().Split(block.Text);
        foreach (var part in parts.Where(p => p.Trim().Length > 0))
        {
            if (TokenCounter.Count(part) <= options.MaxTokens)
            {
                yield return part.Trim();
                continue;
            }

            foreach (var run in WordRuns(part))
            {
                yield return run;
            }
        }
    }

    private IEnumerable<string> WordRuns(string text)
    {
        var run = new List<string>();
        var tokens = 0;
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var cost = TokenCounter.Count(word);
            if (tokens > 0 && tokens + cost > options.MaxTokens)
            {
                yield return string.Join(' ', run);
                run.Clear();
                tokens = 0;
            }

            run.Add(word);
            tokens += cost;
        }

        if (run.Count > 0)
        {
            yield return string.Join(' ', run);
        }
    }

    private void Flush(bool keepOverlap)
    {
        if (pieces.Count == 0 || onlyOverlap)
        {
            Discard();
            return;
        }

        var text = string.Join("\n\n", pieces);
        var heading = headings.Any(h => h is not null) ? string.Join(" › ", headings.Where(h => h is not null)) : null;
        chunks.Add(new DocumentChunk(chunks.Count, text, heading, page, pieceTokens));
        Discard();
        if (keepOverlap && options.OverlapTokens > 0)
        {
            var tail = Tail(text, options.OverlapTokens);
            if (tail.Length > 0)
            {
                pieces.Add(tail);
                pieceTokens = TokenCounter.Count(tail);
                onlyOverlap = true;
            }
        }
    }

    private void Discard()
    {
        pieces.Clear();
        pieceTokens = 0;
        onlyOverlap = false;
    }

    /// <summary>The last whole sentences of <paramref name="text"/> that fit in <paramref name="budget"/> tokens (none when even the last one does not).</summary>
    private static string Tail(string text, int budget)
    {
        var sentences = Sentences().Split(text);
        var kept = new List<string>();
        var tokens = 0;
        for (var i = sentences.Length - 1; i >= 0; i--)
        {
            var cost = TokenCounter.Count(sentences[i]);
            if (tokens + cost > budget)
            {
                break;
            }

            kept.Insert(0, sentences[i].Trim());
            tokens += cost;
        }

        return string.Join(' ', kept);
    }

    // A sentence ends at . ! or ? followed by white space; "e.g. x" splits too, which costs nothing but a boundary.
    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex Sentences();
}
