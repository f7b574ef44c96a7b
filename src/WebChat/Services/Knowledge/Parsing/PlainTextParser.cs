using System.Text;

namespace WebChat.Services.Knowledge.Parsing;

/// <summary>Plain text and source files: UTF-8 (a file with NUL bytes is binary and refused), split at blank lines.</summary>
public sealed class PlainTextParser(BlockKind kind = BlockKind.Paragraph) : IDocumentParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public ParsedDocument Parse(ReadOnlyMemory<byte> content, ParsingLimits limits)
    {
        var text = DecodeText(content.Span);
        return new ParsedDocument(Paragraphs(text).Select(p => new DocumentBlock(kind, p)).ToList());
    }

    /// <summary>UTF-8 text without a byte-order mark; refuses binary files rather than storing noise.</summary>
    public static string DecodeText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IndexOf((byte)0) >= 0)
        {
            throw new DocumentRejectedException("This file looks binary, not text, so it cannot be added.");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Windows-1252 and friends would need a guess; Latin-1 keeps every byte readable instead of refusing.
            return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>Paragraphs separated by blank lines, trimmed, with line ends inside a paragraph kept.</summary>
    public static IEnumerable<string> Paragraphs(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        foreach (var part in normalized.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            yield return part;
        }
    }
}
