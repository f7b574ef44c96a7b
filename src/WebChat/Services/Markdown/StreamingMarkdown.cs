using System.Text;

namespace WebChat.Services.Markdown;

/// <summary>
/// Markdown that grows at its end. The text is cut into blocks at blank lines outside code fences (when the
/// next line starts at column 0); every finished block is rendered once and kept, only the open tail is
/// rendered again, and only when asked for — so an answer's cost per render stays flat as it grows.
/// </summary>
public sealed class StreamingMarkdown(IMarkdownRenderer renderer)
{
    private readonly StringBuilder _text = new();
    private readonly List<RenderedBlock> _finished = [];
    private readonly BlockSplitter _splitter = new();
    private int _tailStart;
    private int _scanned;
    private string? _tailHtml;

    /// <summary>Blocks that can no longer change, in order.</summary>
    public IReadOnlyList<RenderedBlock> FinishedBlocks => _finished;

    /// <summary>The whole text so far.</summary>
    public string Text => _text.ToString();

    /// <summary>Increases on every change; lets a view tell whether it is stale.</summary>
    public int Version { get; private set; }

    /// <summary>The open tail rendered to HTML (cached until the next append).</summary>
    public string TailHtml => _tailHtml ??= renderer.ToHtml(_text.ToString(_tailStart, _text.Length - _tailStart));

    public static StreamingMarkdown FromText(IMarkdownRenderer renderer, string text)
    {
        var markdown = new StreamingMarkdown(renderer);
        markdown.Append(text);
        return markdown;
    }

    public void Append(string delta)
    {
        if (string.IsNullOrEmpty(delta))
        {
            return;
        }

        _text.Append(delta);
        _tailHtml = null;
        Version++;
        ScanCompleteLines();
    }

    private void ScanCompleteLines()
    {
        while (true)
        {
            var newline = IndexOfNewline(_scanned);
            if (newline < 0)
            {
                // The first character of an unfinished line already tells whether it opens a new block.
                if (_scanned < _text.Length && _scanned > _tailStart && _splitter.WouldStartNewBlock(_text[_scanned]))
                {
                    FinishBlock(_scanned);
                }

                return;
            }

            var line = _text.ToString(_scanned, newline - _scanned);
            var lineStart = _scanned;
            _scanned = newline + 1;
            if (_splitter.StartsNewBlock(line) && lineStart > _tailStart)
            {
                FinishBlock(lineStart);
            }
        }
    }

    private void FinishBlock(int end)
    {
        var markdown = _text.ToString(_tailStart, end - _tailStart);
        _finished.Add(new RenderedBlock(_finished.Count, renderer.ToHtml(markdown)));
        _tailStart = end;
    }

    private int IndexOfNewline(int from)
    {
        for (var i = from; i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
