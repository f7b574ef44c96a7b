namespace WebChat.Services.Markdown;

/// <summary>
/// Reads Markdown line by line and says where a new top-level block starts: the first line at column 0
/// after a blank line, outside fenced code. Indented lines after a blank line stay with their block
/// (list continuations, indented code), so cutting there never changes what a finished block means.
/// </summary>
internal sealed class BlockSplitter
{
    private char _fenceChar;
    private int _fenceLength;
    private bool _afterBlank;

    private bool InFence => _fenceLength > 0;

    /// <summary>True when a line beginning with this character would start a new block (does not consume it).</summary>
    public bool WouldStartNewBlock(char first) => !InFence && _afterBlank && !char.IsWhiteSpace(first);

    /// <summary>Feeds one complete line (without its newline); true when this line begins a new block.</summary>
    public bool StartsNewBlock(string line)
    {
        if (InFence)
        {
            if (IsFence(line, out var ch, out var length) && ch == _fenceChar && length >= _fenceLength && IsOnlyFence(line))
            {
                _fenceLength = 0;
            }

            return false;
        }

        if (string.IsNullOrWhiteSpace(line))
        {
            _afterBlank = true;
            return false;
        }

        var startsBlock = _afterBlank && !char.IsWhiteSpace(line[0]);
        _afterBlank = false;
        if (IsFence(line, out var fenceChar, out var fenceLength))
        {
            _fenceChar = fenceChar;
            _fenceLength = fenceLength;
        }

        return startsBlock;
    }

    private static bool IsFence(string line, out char fenceChar, out int length)
    {
        fenceChar = '\0';
        length = 0;
        var i = 0;
        while (i < line.Length && i < 4 && line[i] == ' ')
        {
            i++;
        }

        if (i > 3 || i >= line.Length || (line[i] != '`' && line[i] != '~'))
        {
            return false;
        }

        fenceChar = line[i];
        var start = i;
        while (i < line.Length && line[i] == fenceChar)
        {
            i++;
        }

        length = i - start;
        // A backtick fence's info string may not contain backticks (CommonMark 4.5).
        return length >= 3 && (fenceChar == '~' || line.IndexOf('`', i) < 0);
    }

    private static bool IsOnlyFence(string line) => line.Trim().Trim('`', '~').Length == 0;
}
