namespace WebChat.Tests.Support.FakeHub;

/// <summary>Which endpoints a fault applies to.</summary>
[Flags]
public enum FakeHubRoute
{
    Api = 1,
    Resolve = 2,
    Cdn = 4,
    Any = Api | Resolve | Cdn,
}

/// <summary>Switches that make the fake Hub misbehave the way real networks and servers do; armed faults fire a set number of times.</summary>
public sealed class FakeHubFaults
{
    private readonly Lock _gate = new();
    private readonly List<ArmedStatus> _statuses = [];
    private int _drops;
    private long _dropAfter;
    private int _stalls;
    private long _stallAfter;

    /// <summary>Serves content with one byte flipped (a broken proxy or disk), on every CDN response while set.</summary>
    public bool CorruptContent { get; set; }

    /// <summary>Caps each response's speed (bytes/s), like a per-connection limit of a CDN; null = unlimited.</summary>
    public long? BandwidthBytesPerSecond { get; set; }

    /// <summary>The next `count` requests on `route` answer `status` (500, 503, 408...).</summary>
    public void FailNext(int count, int status = 500, FakeHubRoute route = FakeHubRoute.Any) =>
        Arm(new ArmedStatus(count, status, route, null, false));

    /// <summary>The next `count` requests on `route` answer 429 advertising `wait` (RateLimit t=, or Retry-After).</summary>
    public void RateLimitNext(int count, TimeSpan wait, bool asRetryAfter = false, FakeHubRoute route = FakeHubRoute.Any) =>
        Arm(new ArmedStatus(count, 429, route, wait, asRetryAfter));

    /// <summary>The next `count` CDN responses break the connection after sending `afterBytes` bytes.</summary>
    public void DropNext(int count, long afterBytes)
    {
        lock (_gate)
        {
            _drops = count;
            _dropAfter = afterBytes;
        }
    }

    /// <summary>The next `count` CDN responses go silent after `afterBytes` bytes until the client gives up.</summary>
    public void StallNext(int count, long afterBytes)
    {
        lock (_gate)
        {
            _stalls = count;
            _stallAfter = afterBytes;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _statuses.Clear();
            _drops = _stalls = 0;
        }

        CorruptContent = false;
        BandwidthBytesPerSecond = null;
    }

    internal ArmedStatus? TakeStatus(FakeHubRoute route)
    {
        lock (_gate)
        {
            var armed = _statuses.FirstOrDefault(s => (s.Route & route) != 0 && s.Remaining > 0);
            if (armed is null)
            {
                return null;
            }

            armed.Remaining--;
            return armed;
        }
    }

    internal long? TakeDrop() => Take(ref _drops, _dropAfter);

    internal long? TakeStall() => Take(ref _stalls, _stallAfter);

    private long? Take(ref int remaining, long afterBytes)
    {
        lock (_gate)
        {
            if (remaining <= 0)
            {
                return null;
            }

            remaining--;
            return afterBytes;
        }
    }

    private void Arm(ArmedStatus status)
    {
        lock (_gate)
        {
            _statuses.Add(status);
        }
    }

    internal sealed class ArmedStatus(int remaining, int status, FakeHubRoute route, TimeSpan? wait, bool asRetryAfter)
    {
        public int Remaining { get; set; } = remaining;
        public int Status { get; } = status;
        public FakeHubRoute Route { get; } = route;
        public TimeSpan? Wait { get; } = wait;
        public bool AsRetryAfter { get; } = asRetryAfter;
    }
}
