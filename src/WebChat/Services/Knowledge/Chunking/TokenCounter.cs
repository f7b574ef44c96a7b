using System.Text.RegularExpressions;

namespace WebChat.Services.Knowledge.Chunking;

/// <summary>
/// A tokenizer-free estimate of tokens: each word and each punctuation mark counts one, long words one per six
/// letters. Close to WordPiece (the embedder) and BPE (chat models) on prose; used for chunk and prompt budgets.
/// </summary>
public static partial class TokenCounter
{
    public static int Count(string text)
    {
        var count = 0;
        foreach (var match in Pieces().EnumerateMatches(text))
        {
            count += match.Length <= 8 ? 1 : (match.Length + 5) / 6;
        }

        return count;
    }

    [GeneratedRegex(@"\w+|[^\w\s]")]
    private static partial Regex Pieces();
}
