using System.Text;

namespace WebChat.Engine.Inference;

/// <summary>Turns the byte pieces of generated tokens into text, holding back an incomplete multi-byte character.</summary>
internal sealed class Utf8TokenDecoder
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly char[] _chars = new char[64];

    /// <summary>Returns the complete characters the bytes finish; a character split across tokens waits for its last byte.</summary>
    public string Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        var chars = _chars.AsSpan();
        var completed = false;
        while (!completed)
        {
            _decoder.Convert(bytes, chars, flush: false, out var bytesUsed, out var charsUsed, out completed);
            builder.Append(chars[..charsUsed]);
            bytes = bytes[bytesUsed..];
        }

        return builder.ToString();
    }

    /// <summary>Ends the stream: a dangling partial character becomes U+FFFD rather than vanishing silently.</summary>
    public string Flush()
    {
        var chars = _chars.AsSpan();
        _decoder.Convert([], chars, flush: true, out _, out var charsUsed, out _);
        return new string(chars[..charsUsed]);
    }
}
