using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;

namespace WebChat.Services.Serving.Engines;

/// <summary>Whether a remote engine answers.</summary>
public enum RemoteEngineHealth
{
    /// <summary>Not checked yet.</summary>
    Checking,
    Ready,
    Down,

    /// <summary>It answers, but refuses the API key.</summary>
    Unauthorized,
}

/// <summary>What Admin › Engines and /metrics show of one remote engine.</summary>
public sealed record RemoteEngineView(
    Guid? Id, string Name, string BaseUrl, string Kind, bool FromConfiguration, bool HasApiKey, RemoteEngineHealth Health,
    bool CoolingDown, IReadOnlyList<string> Models, double? LatencyMs, int InFlight, int Load, double? TokensPerSecond, string? LastError);

/// <summary>
/// One remote OpenAI-compatible engine: its client (the OpenAI SDK), its health as last checked, and its load. The
/// health fields are written by the health check and by requests that fail (under <see cref="_gate"/>); the
/// in-flight count by requests (interlocked).
/// </summary>
public sealed class RemoteEngineState
{
    // One connection pool for every remote engine. It never drains an unfinished response: by default .NET reads up
    // to 1 MB (for up to 2 s) of a response disposed early so it can reuse the connection, and the remote engine then
    // finished an answer after Stop, unread, recording it as complete. With no drain, disposing closes the connection
    // and the engine sees its request aborted at once.
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        MaxResponseDrainSize = 0,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2), // a replica moved to another address is found again
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // the client's NetworkTimeout and the router's first-token timeout apply
    };

    private readonly Lock _gate = new();
    private int _inFlight;

    // Guarded by _gate.
    private RemoteEngineHealth _health = RemoteEngineHealth.Checking;
    private IReadOnlyList<string> _models = [];
    private double? _latencyMs;
    private int _othersLoad;
    private double? _tokensPerSecond;
    private string? _lastError;
    private DateTimeOffset _cooldownUntil;
    private int _failedChecks;

    public RemoteEngineState(Guid? id, string name, string baseUrl, string kind, string? apiKey, bool fromConfiguration, TimeSpan requestTimeout)
    {
        (Id, Name, BaseUrl, Kind, ApiKey, FromConfiguration) = (id, name, baseUrl.TrimEnd('/'), kind, apiKey, fromConfiguration);
        Client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "none" : apiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseUrl),
            // Failover is the router's job: a retry inside the client would hold a request on a failing replica.
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = requestTimeout,
            Transport = new HttpClientPipelineTransport(Http),
        });
    }

    public Guid? Id { get; }
    public string Name { get; }
    public string BaseUrl { get; }
    public string Kind { get; }
    public bool FromConfiguration { get; }
    internal string? ApiKey { get; }
    internal OpenAIClient Client { get; }

    /// <summary>Where the engine's own /metrics or /slots live: the address without its /v1.</summary>
    internal Uri Root => new(BaseUrl.EndsWith("/v1", StringComparison.Ordinal) ? BaseUrl[..^3] + "/" : BaseUrl + "/");

    /// <summary>When the health check should read this engine next (owned by <see cref="RemoteEngines"/>).</summary>
    internal DateTimeOffset NextCheckAt { get; set; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Requests in flight here: WebChat's own, plus what the engine reported beyond them at its last check (other clients).</summary>
    public int Load
    {
        get
        {
            lock (_gate)
            {
                return InFlight + _othersLoad;
            }
        }
    }

    public bool Serves(string model)
    {
        lock (_gate)
        {
            return _health == RemoteEngineHealth.Ready && _models.Contains(model, StringComparer.Ordinal);
        }
    }

    public IReadOnlyList<string> Models
    {
        get
        {
            lock (_gate)
            {
                return _models;
            }
        }
    }

    public bool IsCoolingDown(DateTimeOffset now)
    {
        lock (_gate)
        {
            return now < _cooldownUntil;
        }
    }

    public RemoteEngineView View(DateTimeOffset now)
    {
        lock (_gate)
        {
            return new RemoteEngineView(Id, Name, BaseUrl, Kind, FromConfiguration, !string.IsNullOrEmpty(ApiKey), _health, now < _cooldownUntil,
                _models, _latencyMs, InFlight, InFlight + _othersLoad, _tokensPerSecond, _lastError);
        }
    }

    /// <summary>Counts a request in flight until disposed.</summary>
    internal IDisposable Begin()
    {
        Interlocked.Increment(ref _inFlight);
        return new InFlightLease(this);
    }

    internal void RecordCheck(IReadOnlyList<string> models, double latencyMs, int? reportedLoad, int inFlightAtCheck)
    {
        lock (_gate)
        {
            (_health, _models, _latencyMs, _failedChecks) = (RemoteEngineHealth.Ready, models, latencyMs, 0);
            _othersLoad = reportedLoad is { } reported ? Math.Max(0, reported - inFlightAtCheck) : 0;
            _lastError = null;
        }
    }

    /// <summary>
    /// Records a failed check; returns how many checks in a row failed (for the backoff). An engine that is down keeps
    /// the models it listed last, so they show as unavailable (not as gone) until it is back; one that refuses the key
    /// never told us what it serves to this key, so it keeps none. Routing asks <see cref="Serves"/>, which needs Ready.
    /// </summary>
    internal int RecordCheckFailure(RemoteEngineHealth health, string error)
    {
        lock (_gate)
        {
            (_health, _lastError) = (health, error);
            _models = health == RemoteEngineHealth.Down ? _models : [];
            return ++_failedChecks;
        }
    }

    /// <summary>A request failed before its first token (or the engine broke off): no requests until <paramref name="until"/>.</summary>
    internal void CoolDown(string error, DateTimeOffset until)
    {
        lock (_gate)
        {
            (_lastError, _cooldownUntil) = (error, until);
        }
    }

    internal void RecordSpeed(double tokensPerSecond)
    {
        lock (_gate)
        {
            _tokensPerSecond = tokensPerSecond;
        }
    }

    private sealed class InFlightLease(RemoteEngineState engine) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref engine._inFlight);
            }
        }
    }
}
