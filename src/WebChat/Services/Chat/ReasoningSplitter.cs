using System.Text;

namespace WebChat.Services.Chat;

/// <summary>A piece of streamed text: part of the model's reasoning, or of the answer.</summary>
public readonly record struct StreamPiece(string Text, bool IsReasoning);

/// <summary>
/// Splits a streamed answer into reasoning and answer: text inside &lt;tag&gt;…&lt;/tag&gt; that opens the answer
/// (after optional white space) is reasoning, as Qwen3 and DeepSeek-R1 distills write it. Tags may arrive split
/// over several deltas: a possible start of a tag is held back until it is known. Not thread-safe: one per answer.
/// </summary>
public sealed class ReasoningSplitter(string tag)
{
    private readonly string _open = $"<{tag}>";
    private readonly string _close = $"</{tag}>";
    private readonly StringBuilder _pending = new();
    private Phase _phase = Phase.Start;
    private bool _trimAnswerStart;

    private enum Phase
    {
        Start,
        Reasoning,
        Answer,
    }

    /// <summary>True between the opening and the closing tag.</summary>
    public bool InReasoning => _phase == Phase.Reasoning;

    /// <summary>True once a closing tag ended the reasoning.</summary>
    public bool ReasoningEnded { get; private set; }

    /// <summary>Feeds one delta; returns the pieces now known (possibly none while a tag may be arriving).</summary>
    public IReadOnlyList<StreamPiece> Feed(string delta)
    {
        _pending.Append(delta);
        var pieces = new List<StreamPiece>();
        while (_pending.Length > 0 && Step(pieces))
        {
        }

        return pieces;
    }

    /// <summary>The text still held back at the end of the stream (an unfinished tag is plain text then).</summary>
    public IReadOnlyList<StreamPiece> Flush()
    {
        if (_pending.Length == 0)
        {
            return [];
        }

        var piece = new StreamPiece(_pending.ToString(), _phase == Phase.Reasoning);
        _pending.Clear();
        return [piece];
    }

    // One transition; false when more text is needed to decide.
    private bool Step(List<StreamPiece> pieces)
    {
        var text = _pending.ToString();
        switch (_phase)
        {
            case Phase.Start:
                var trimmed = text.TrimStart();
                if (trimmed.Length == 0)
                {
                    return false;
                }

                if (trimmed.StartsWith(_open, StringComparison.Ordinal))
                {
                    _phase = Phase.Reasoning;
                    Consume(text.Length - trimmed.Length + _open.Length);
                    return true;
                }

                if (_open.StartsWith(trimmed, StringComparison.Ordinal))
                {
                    return false; // "<thi" may still become the tag.
                }

                _phase = Phase.Answer;
                return true;

            case Phase.Reasoning:
                var end = text.IndexOf(_close, StringComparison.Ordinal);
                if (end >= 0)
                {
                    Emit(pieces, text[..end], reasoning: true);
                    Consume(end + _close.Length);
                    _phase = Phase.Answer;
                    ReasoningEnded = true;
                    _trimAnswerStart = true;
                    return true;
                }

                var keep = PartialSuffix(text, _close);
                Emit(pieces, text[..^keep], reasoning: true);
                Consume(text.Length - keep);
                return false;

            default:
                if (_trimAnswerStart)
                {
                    // Models put a blank line after the closing tag; the answer starts with its first real character.
                    text = text.TrimStart('\r', '\n');
                    if (text.Length == 0)
                    {
                        _pending.Clear();
                        return false;
                    }

                    _trimAnswerStart = false;
                }

                Emit(pieces, text, reasoning: false);
                _pending.Clear();
                return false;
        }
    }

    private void Consume(int count) => _pending.Remove(0, count);

    private static void Emit(List<StreamPiece> pieces, string text, bool reasoning)
    {
        if (text.Length > 0)
        {
            pieces.Add(new StreamPiece(text, reasoning));
        }
    }

    // The length of the longest end of text that is a start of tag (a tag that may be arriving).
    private static int PartialSuffix(string text, string tag)
    {
        for (var length = Math.Min(tag.Length - 1, text.Length); length > 0; length--)
        {
            if (text.EndsWith(tag[..length], StringComparison.Ordinal))
            {
                return length;
            }
        }

        return 0;
    }
}
