using System.Globalization;
using System.Text;
using WebChat.Services.Knowledge.Chunking;
using WebChat.Services.Knowledge.Search;

namespace WebChat.Services.Knowledge;

/// <summary>A numbered source given to an answer: what [n] in the answer refers to, and where the passage came from.</summary>
public sealed record Citation(int Number, Guid DocumentId, string FileName, int? Page, string? Heading, string Text)
{
    /// <summary>"manual.pdf, page 2" or "policy.docx › Travel": what a person reads next to [n].</summary>
    public string Location => Page is { } page
        ? string.Create(CultureInfo.InvariantCulture, $"{FileName}, page {page}")
        : Heading is null ? FileName : $"{FileName} › {Heading}";
}

/// <summary>The sources block of a prompt and the citations it numbers.</summary>
public sealed record RetrievedSources(string SystemText, IReadOnlyList<Citation> Citations);

/// <summary>
/// Writes retrieved passages as a numbered sources block within a token budget that is set aside after the question
/// and the answer's room, so sources never push the question out of the context: passages that do not fit are left
/// out, best-ranked first kept.
/// </summary>
public static class SourcesPrompt
{
    private const string Instructions =
        "Answer from the sources below when they hold the answer, and cite each one you use as [n]. " +
        "If they do not hold the answer, say so and answer from what you know.";

    /// <summary>Tokens the sources may take: a share of what is left after the question and the answer's room, never below zero.</summary>
    public static int Budget(int contextTokens, int questionTokens, int answerTokens, double share) =>
        Math.Max(0, (int)((contextTokens - questionTokens - answerTokens) * share));

    /// <summary>The block for <paramref name="hits"/> (best first) within <paramref name="budget"/> tokens; null when not one passage fits.</summary>
    public static RetrievedSources? Build(IReadOnlyList<SearchHit> hits, int budget)
    {
        var text = new StringBuilder(Instructions).Append("\n\nSources:\n");
        var used = TokenCounter.Count(text.ToString());
        var citations = new List<Citation>();
        foreach (var hit in hits)
        {
            var citation = new Citation(citations.Count + 1, hit.DocumentId, hit.FileName, hit.Page, hit.Heading, hit.Text);
            var entry = string.Create(CultureInfo.InvariantCulture, $"\n[{citation.Number}] {citation.Location}\n{hit.Text}\n");
            var cost = TokenCounter.Count(entry);
            if (used + cost > budget)
            {
                continue;
            }

            text.Append(entry);
            used += cost;
            citations.Add(citation);
        }

        return citations.Count == 0 ? null : new RetrievedSources(text.ToString(), citations);
    }
}
