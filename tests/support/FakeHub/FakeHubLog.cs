namespace WebChat.Tests.Support.FakeHub;

/// <summary>One request the fake Hub received.</summary>
public sealed record FakeHubRequest(FakeHubRoute Route, string Method, string Host, string PathAndQuery, string? Authorization, DateTimeOffset ReceivedAt, int Status);

/// <summary>Bytes of one file the fake Hub actually sent in one response (start offset, count).</summary>
public sealed record FakeHubServedRange(string Sha256, long Start, long Length)
{
    public long End => Start + Length;
}

/// <summary>What the fake Hub did: every request and every byte range it served, so tests can assert on both.</summary>
public sealed class FakeHubLog
{
    private readonly Lock _gate = new();
    private readonly List<FakeHubRequest> _requests = [];
    private readonly List<ServedCounter> _served = [];

    public IReadOnlyList<FakeHubRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<FakeHubServedRange> ServedRanges
    {
        get
        {
            lock (_gate)
            {
                return _served.Where(s => s.Length > 0).Select(s => new FakeHubServedRange(s.Sha256, s.Start, Interlocked.Read(ref s.Length))).ToList();
            }
        }
    }

    public long BytesServed => ServedRanges.Sum(r => r.Length);

    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
            _served.Clear();
        }
    }

    internal void Add(FakeHubRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    internal ServedCounter StartServing(string sha256, long start)
    {
        var counter = new ServedCounter(sha256, start);
        lock (_gate)
        {
            _served.Add(counter);
        }

        return counter;
    }

    internal sealed class ServedCounter(string sha256, long start)
    {
#pragma warning disable CA1051 // A field so Interlocked can update it.
        public long Length;
#pragma warning restore CA1051
        public string Sha256 { get; } = sha256;
        public long Start { get; } = start;
    }
}
