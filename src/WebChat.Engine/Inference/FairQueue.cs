namespace WebChat.Engine.Inference;

/// <summary>
/// The waiting requests, served round-robin across users rather than in arrival order: a user's k-th waiting request
/// stands in round (requests of theirs already generating + k), so one with nothing running goes before a heavy
/// user's backlog; within a round the user served longest ago goes first, then arrival. Owned by the loop.
/// </summary>
internal sealed class FairQueue
{
    private readonly List<SchedulerWork> _arrivals = [];
    private List<SchedulerWork>? _order;

    public int Count => _arrivals.Count;

    /// <summary>The waiting requests in the order they will get a sequence (as far as it is known now).</summary>
    public IReadOnlyList<SchedulerWork> Order => _order ??= ComputeOrder();

    public void Add(SchedulerWork work)
    {
        _arrivals.Add(work);
        _order = null;
    }

    /// <summary>A user's running count changed, so the order may have.</summary>
    public void Invalidate() => _order = null;

    /// <summary>Removes and returns the first request in fair order whose user may start one more; null when none may.</summary>
    public SchedulerWork? TakeNext(Func<SchedulerWork, bool> mayStart)
    {
        foreach (var work in Order)
        {
            if (mayStart(work))
            {
                _arrivals.Remove(work);
                _order = null;
                return work;
            }
        }

        return null;
    }

    /// <summary>Removes and returns every request matching <paramref name="predicate"/>.</summary>
    public List<SchedulerWork> RemoveAll(Func<SchedulerWork, bool> predicate)
    {
        var removed = _arrivals.Where(predicate).ToList();
        if (removed.Count > 0)
        {
            _arrivals.RemoveAll(removed.Contains);
            _order = null;
        }

        return removed;
    }

    private List<SchedulerWork> ComputeOrder()
    {
        var seen = new Dictionary<UserShareState, int>();
        return _arrivals
            .Select((work, arrival) =>
            {
                var before = seen.GetValueOrDefault(work.User);
                seen[work.User] = before + 1;
                return (Work: work, Round: work.User.Running + before, work.User.LastStarted, Arrival: arrival);
            })
            .OrderBy(x => x.Round).ThenBy(x => x.LastStarted).ThenBy(x => x.Arrival)
            .Select(x => x.Work)
            .ToList();
    }
}
