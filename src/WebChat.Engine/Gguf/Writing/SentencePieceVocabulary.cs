using System.Globalization;

namespace WebChat.Engine.Gguf.Writing;

/// <summary>
/// A SentencePiece-style ("llama") vocabulary for generated models: control tokens, the 256 byte tokens
/// that let any UTF-8 text tokenize, then English word pieces whose prefixes are all present so that
/// llama.cpp's merges reach whole words, padded with synthetic pieces up to the requested size.
/// </summary>
public sealed class SentencePieceVocabulary
{
    public const int UnknownId = 0;
    public const int BeginId = 1;
    public const int EndId = 2;

    // llama.cpp's token types.
    private const int Normal = 1;
    private const int Unknown = 2;
    private const int Control = 3;
    private const int Byte = 6;

    private const string Space = "\u2581";

    private static readonly string[] CommonWords =
    [
        "the", "of", "and", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on", "are", "as", "with",
        "his", "they", "at", "be", "this", "have", "from", "or", "one", "had", "by", "word", "but", "not", "what",
        "all", "were", "we", "when", "your", "can", "said", "there", "use", "an", "each", "which", "she", "do",
        "how", "their", "if", "will", "up", "other", "about", "out", "many", "then", "them", "these", "so", "some",
        "her", "would", "make", "like", "him", "into", "time", "has", "look", "two", "more", "write", "go", "see",
        "number", "no", "way", "could", "people", "my", "than", "first", "water", "been", "call", "who", "its",
        "now", "find", "long", "down", "day", "did", "get", "come", "made", "may", "part", "hello", "world",
        "question", "answer", "please", "thank", "thanks", "yes", "good", "model", "chat", "user", "assistant",
        "system", "help", "tell", "story", "short", "name", "what's", "I", "A", "The", "Hello", "Hi", "Write",
        "once", "upon", "a", "cat", "dog", "sun", "sky", "blue", "red", "green", "big", "small", "happy", "little",
    ];

    private SentencePieceVocabulary(string[] tokens, float[] scores, int[] types, int? chatStartId, int? chatEndId)
    {
        Tokens = tokens;
        Scores = scores;
        TokenTypes = types;
        ChatStartId = chatStartId;
        ChatEndId = chatEndId;
    }

    public string[] Tokens { get; }

    public float[] Scores { get; }

    public int[] TokenTypes { get; }

    /// <summary>Id of &lt;|im_start|&gt; when the vocabulary has chatml tokens.</summary>
    public int? ChatStartId { get; }

    /// <summary>Id of &lt;|im_end|&gt; when the vocabulary has chatml tokens.</summary>
    public int? ChatEndId { get; }

    public int Count => Tokens.Length;

    /// <summary>Builds exactly <paramref name="size"/> tokens (at least the 261 fixed tokens).</summary>
    public static SentencePieceVocabulary Build(int size, bool chatTokens)
    {
        var builder = new Builder(size);
        builder.Add("<unk>", 0, Unknown);
        builder.Add("<s>", 0, Control);
        builder.Add("</s>", 0, Control);
        for (var b = 0; b < 256; b++)
        {
            builder.Add(string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>"), 0, Byte);
        }

        int? chatStart = null, chatEnd = null;
        if (chatTokens)
        {
            chatStart = builder.Add("<|im_start|>", 0, Control);
            chatEnd = builder.Add("<|im_end|>", 0, Control);
        }

        builder.AddPieces(Enumerable.Range(0x21, 0x5E).Select(c => ((char)c).ToString()).Append(Space));
        builder.AddPieces(CommonWords.SelectMany(word => Prefixes(Space + word)));
        builder.AddPieces(CommonWords.SelectMany(Prefixes));
        builder.AddPieces(SyntheticPieces());
        if (size < builder.FixedCount)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"A vocabulary needs at least {builder.FixedCount} tokens.");
        }

        return builder.Take(chatStart, chatEnd);
    }

    private static IEnumerable<string> Prefixes(string word) => Enumerable.Range(2, Math.Max(0, word.Length - 1)).Select(length => word[..length]);

    /// <summary>Letter pairs and triples, with and without the leading-space marker: plenty to fill 150k entries.</summary>
    private static IEnumerable<string> SyntheticPieces()
    {
        const string letters = "etaoinshrdlcumwfgypbvkjxqz";
        foreach (var a in letters)
        {
            foreach (var b in letters)
            {
                yield return $"{a}{b}";
                yield return $"{Space}{a}{b}";
            }
        }

        foreach (var a in letters)
        {
            foreach (var b in letters)
            {
                foreach (var c in letters)
                {
                    yield return $"{a}{b}{c}";
                    yield return $"{Space}{a}{b}{c}";
                }
            }
        }

        for (var n = 0; ; n++)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{Space}w{n}");
        }
    }

    private sealed class Builder(int size)
    {
        private readonly List<(string Text, float Score, int Type)> _tokens = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public int Count => _tokens.Count;

        public int FixedCount { get; private set; }

        public int Add(string text, float score, int type)
        {
            _seen.Add(text);
            _tokens.Add((text, score, type));
            FixedCount = _tokens.Count;
            return _tokens.Count - 1;
        }

        /// <summary>Adds unseen pieces; earlier pieces score higher, as frequent pieces do in a trained model.</summary>
        public void AddPieces(IEnumerable<string> pieces)
        {
            foreach (var piece in pieces)
            {
                if (_tokens.Count >= size)
                {
                    return;
                }

                if (_seen.Add(piece))
                {
                    _tokens.Add((piece, -_tokens.Count, Normal));
                }
            }
        }

        public SentencePieceVocabulary Take(int? chatStart, int? chatEnd)
        {
            var taken = _tokens.ToArray();
            return new SentencePieceVocabulary(
                [.. taken.Select(token => token.Text)],
                [.. taken.Select(token => token.Score)],
                [.. taken.Select(token => token.Type)],
                chatStart,
                chatEnd);
        }
    }
}
