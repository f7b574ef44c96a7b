namespace WebChat.Engine.Inference;

/// <summary>Finds stop strings in streamed text, holding back only text that could still become a stop string.</summary>
internal sealed class StopStringMatcher(IReadOnlyList<string> stopStrings)
{
    private readonly string[] _stops = stopStrings.Where(s => s.Length > 0).ToArray();
    private string _pending = string.Empty;

    /// <summary>True once a stop string was seen; later text is ignored.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds text and returns what may be shown now (never any part of a stop string).</summary>
    public string Append(string text)
    {
        if (Stopped)
        {
            return string.Empty;
        }

        if (_stops.Length == 0)
        {
            return text;
        }

        var buffer = _pending + text;
        var stopAt = FirstStopIndex(buffer);
        if (stopAt >= 0)
        {
            Stopped = true;
            _pending = string.Empty;
            return buffer[..stopAt];
        }

        var held = LongestPossibleStopStart(buffer);
        _pending = buffer[held..];
        return buffer[..held];
    }

    /// <summary>Returns the text held back at the end of the stream (it never became a stop string).</summary>
    public string Flush()
    {
        var rest = Stopped ? string.Empty : _pending;
        _pending = string.Empty;
        return rest;
    }

    private int FirstStopIndex(string buffer)
    {
        var first = -1;
        foreach (var stop in _stops)
        {
            var index = buffer.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (first < 0 || index < first))
            {
                first = index;
            }
        }

        return first;
    }

    // The earliest index from which the buffer's tail is a proper prefix of some stop string.
    private int LongestPossibleStopStart(string buffer)
    {
        for (var start = Math.Max(0, buffer.Length - _stops.Max(s => s.Length) + 1); start < buffer.Length; start++)
        {
            var tail = buffer[start..];
            if (_stops.Any(stop => stop.StartsWith(tail, StringComparison.Ordinal)))
            {
                return start;
            }
        }

        return buffer.Length;
    }
}
