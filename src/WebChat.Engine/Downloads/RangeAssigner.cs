namespace WebChat.Engine.Downloads;

/// <summary>
/// Hands the ranges of one file to its connections: unstarted ranges first; once none is left, a free connection takes
/// the second half of the largest remainder another connection is still fetching (work stealing), so every connection
/// stays busy to the end instead of waiting for the last fixed-size ranges.
/// </summary>
/// <remarks>
/// Every read and change of the map's ranges happens under the map's lock, and each change is saved to the sidecar
/// before a connection acts on it, so a crash at any moment leaves a map that tiles the file with written counts no
/// larger than what reached the disk.
/// </remarks>
internal sealed class RangeAssigner(ResumeMap map, string mapPath, long checkpointBytes)
{
    /// <summary>The next range for a free connection (marked active), or null when nothing is left to start or split.</summary>
    public ResumeRange? Next()
    {
        lock (map)
        {
            var unstarted = map.Ranges.FirstOrDefault(r => !r.IsDone && !r.IsActive);
            if (unstarted is not null)
            {
                return Activate(unstarted);
            }

            foreach (var victim in map.Ranges.Where(r => r.IsActive && !r.IsDone).OrderByDescending(r => r.End - r.Start - Math.Max(r.Claimed, r.Written)))
            {
                if (SplitPoint(victim.Start, victim.End, victim.Start + Math.Max(victim.Claimed, victim.Written), checkpointBytes) is { } at)
                {
                    var second = new ResumeRange { Start = at, End = victim.End };
                    victim.End = at;
                    map.InsertAfter(victim, second);
                    map.Save(mapPath);
                    return Activate(second);
                }
            }

            return null;
        }
    }

    /// <summary>The range's current end, which a split may have moved since its connection started.</summary>
    public long EndOf(ResumeRange range)
    {
        lock (map)
        {
            return range.End;
        }
    }

    /// <summary>
    /// Claims up to <paramref name="received"/> bytes at <paramref name="offset"/> for writing and returns how many
    /// belong to the range: fewer (or none) when a split moved its end below them.
    /// </summary>
    public int Claim(ResumeRange range, long offset, int received)
    {
        lock (map)
        {
            var take = (int)Math.Clamp(range.End - offset, 0, received);
            range.Claimed = Math.Max(range.Claimed, offset + take - range.Start);
            return take;
        }
    }

    /// <summary>Records bytes already flushed to disk.</summary>
    public void Checkpoint(ResumeRange range, long written)
    {
        lock (map)
        {
            range.Written = written;
            map.Save(mapPath);
        }
    }

    /// <summary>Records a finished range and frees it from its connection.</summary>
    public void Finish(ResumeRange range)
    {
        lock (map)
        {
            range.Written = range.Length;
            range.IsActive = false;
            map.Save(mapPath);
        }
    }

    /// <summary>Frees a range whose connection stopped (failure or pause) so the map's bookkeeping matches the disk.</summary>
    public void Release(ResumeRange range)
    {
        lock (map)
        {
            range.IsActive = false;
            range.Claimed = range.Written;
        }
    }

    /// <summary>
    /// Where to split the range [<paramref name="start"/>, <paramref name="end"/>) whose connection has claimed bytes up to
    /// <paramref name="claimedEnd"/>: the point on the range's checkpoint grid nearest the middle of what is left, such
    /// that both halves are at least one checkpoint long and the first keeps every claimed byte; null when none is.
    /// </summary>
    internal static long? SplitPoint(long start, long end, long claimedEnd, long checkpointBytes)
    {
        var lowest = Math.Max(start + checkpointBytes, claimedEnd + 1);
        var highest = end - checkpointBytes;
        if (highest < lowest)
        {
            return null;
        }

        var middle = claimedEnd + ((end - claimedEnd) / 2);
        var at = start + (long)Math.Round((double)(middle - start) / checkpointBytes) * checkpointBytes;
        if (at < lowest)
        {
            at = start + (((lowest - start + checkpointBytes - 1) / checkpointBytes) * checkpointBytes);
        }
        else if (at > highest)
        {
            at = start + ((highest - start) / checkpointBytes * checkpointBytes);
        }

        return at >= lowest && at <= highest ? at : null;
    }

    private static ResumeRange Activate(ResumeRange range)
    {
        range.IsActive = true;
        range.Claimed = range.Written;
        return range;
    }
}
