using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Data;

namespace WebChat.Services.Serving.Engines;

/// <summary>
/// The remote engines (from configuration and from Admin › Engines) and their health: each is checked on an interval
/// (its /v1/models through the OpenAI SDK, and its own load where it reports it: llama-server's and vLLM's /metrics);
/// one that fails is checked again after a wait that doubles up to <see cref="EnginesOptions.MaxHealthBackoff"/>.
/// Time comes from <see cref="TimeProvider"/>, so tests move the clock and call <see cref="CheckDueAsync"/>.
/// </summary>
public sealed class RemoteEngines(
    IOptions<EnginesOptions> options,
    IDbContextFactory<WebChatDbContext> dbFactory,
    IDataProtectionProvider protection,
    IHttpClientFactory httpClients,
    TimeProvider time,
    ILogger<RemoteEngines> logger)
{
    public const string ApiKeyPurpose = "WebChat.RemoteEngines.ApiKey";

    private readonly WebChat.Engine.Observers<RemoteEngines> _observers = new();
    private volatile IReadOnlyList<RemoteEngineState> _engines = [];

    public IReadOnlyList<RemoteEngineState> All => _engines;

    public EnginesOptions Options => options.Value;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Calls <paramref name="onChange"/> after every check round or change of the list, until disposed.</summary>
    public IDisposable Subscribe(Action<RemoteEngines> onChange) => _observers.Add(onChange);

    /// <summary>The engines' views, for Admin › Engines and /metrics.</summary>
    public IReadOnlyList<RemoteEngineView> Views() => [.. _engines.Select(e => e.View(Now))];

    /// <summary>
    /// Every model id an engine lists, each once (several engines listing one id are its replicas): those of ready
    /// engines, and the last ones an engine that is down listed (they show as unavailable until it is back).
    /// </summary>
    public IReadOnlyList<string> ServedModels() =>
        [.. _engines.SelectMany(e => e.Models).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Builds the list again from configuration and the database; an engine whose address, kind and key are unchanged keeps its state.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        var protector = protection.CreateProtector(ApiKeyPurpose);
        var wanted = options.Value.Remote
            .Select(r => (Id: (Guid?)null, r.Name, r.BaseUrl, r.Kind, Key: r.ApiKey, FromConfiguration: true)).ToList();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            foreach (var row in await db.RemoteEngines.AsNoTracking().OrderBy(e => e.Name).ToListAsync(cancellationToken))
            {
                wanted.Add((row.Id, row.Name, row.BaseUrl, row.Kind, Unprotect(protector, row.ProtectedApiKey, row.Name), false));
            }
        }

        var old = _engines;
        _engines = [.. wanted.Select(w =>
            old.FirstOrDefault(e => e.Name == w.Name && e.BaseUrl == w.BaseUrl.TrimEnd('/') && e.Kind == w.Kind && e.ApiKey == w.Key && e.Id == w.Id)
            ?? new RemoteEngineState(w.Id, w.Name, w.BaseUrl, w.Kind, w.Key, w.FromConfiguration, options.Value.FirstTokenTimeout) { NextCheckAt = Now })];
        _observers.Notify(this, e => logger.LogWarning(e, "A subscriber to the remote engines failed"));
    }

    /// <summary>Checks every engine whose next check is due, at once; returns when all answered or failed.</summary>
    public async Task CheckDueAsync(CancellationToken cancellationToken = default)
    {
        var now = Now;
        var due = _engines.Where(e => e.NextCheckAt <= now).ToList();
        if (due.Count == 0)
        {
            return;
        }

        await Task.WhenAll(due.Select(e => CheckAsync(e, cancellationToken)));
        _observers.Notify(this, e => logger.LogWarning(e, "A subscriber to the remote engines failed"));
    }

    /// <summary>Reads one engine's models and load now.</summary>
    public async Task CheckAsync(RemoteEngineState engine, CancellationToken cancellationToken = default)
    {
        var interval = options.Value.HealthInterval;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Clamp(interval, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)));
        var started = Stopwatch.GetTimestamp();
        var inFlight = engine.InFlight;
        try
        {
            var models = await engine.Client.GetOpenAIModelClient().GetModelsAsync(timeout.Token);
            var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var load = await ReportedLoadAsync(engine, timeout.Token);
            engine.RecordCheck([.. models.Value.Select(m => m.Id)], latency, load, inFlight);
            engine.NextCheckAt = Now + interval;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is ClientResultException or HttpRequestException or OperationCanceledException or IOException)
        {
            var (health, words) = Describe(e);
            var failures = engine.RecordCheckFailure(health, words);
            var wait = TimeSpan.FromTicks(Math.Min(options.Value.MaxHealthBackoff.Ticks, interval.Ticks * (1L << Math.Min(failures - 1, 16))));
            engine.NextCheckAt = Now + wait;
            logger.LogWarning("Remote engine {Engine} did not answer its health check ({Reason}); next check in {Wait}", engine.Name, words, wait);
        }
    }

    /// <summary>A failure's words for Admin › Engines and the chat: a refused key, a status, or no answer.</summary>
    internal static (RemoteEngineHealth Health, string Words) Describe(Exception e) => e switch
    {
        ClientResultException { Status: 401 or 403 } c => (RemoteEngineHealth.Unauthorized, $"the engine refused the API key ({c.Status})"),
        ClientResultException { Status: > 0 } c => (RemoteEngineHealth.Down, $"the engine answered {c.Status}"),
        OperationCanceledException or TimeoutException => (RemoteEngineHealth.Down, "the engine did not answer in time"),
        _ => (RemoteEngineHealth.Down, $"the engine could not be reached ({Inner(e).Message})"),
    };

    private static Exception Inner(Exception e) => e.InnerException is { } inner ? Inner(inner) : e;

    // llama-server (--metrics) and vLLM count requests running and waiting; an engine that says nothing gets only WebChat's own count.
    private async Task<int?> ReportedLoadAsync(RemoteEngineState engine, CancellationToken cancellationToken)
    {
        var names = engine.Kind switch
        {
            EngineKinds.LlamaServer => new[] { "llamacpp:requests_processing", "llamacpp:requests_deferred" },
            EngineKinds.Vllm => ["vllm:num_requests_running", "vllm:num_requests_waiting"],
            _ => null,
        };
        if (names is null)
        {
            return null;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(engine.Root, "metrics"));
            if (!string.IsNullOrEmpty(engine.ApiKey))
            {
                request.Headers.Authorization = new("Bearer", engine.ApiKey);
            }

            using var response = await httpClients.CreateClient(nameof(RemoteEngines)).SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? SumOf(await response.Content.ReadAsStringAsync(cancellationToken), names) : null;
        }
        catch (HttpRequestException)
        {
            return null; // the models answered: the engine serves, it only keeps its load to itself
        }
    }

    /// <summary>Sums the samples of the named Prometheus metrics (every label set), or null when none is there.</summary>
    internal static int? SumOf(string metrics, IReadOnlyList<string> names)
    {
        double? sum = null;
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith('#') || !names.Any(n => line.StartsWith(n, StringComparison.Ordinal) && line.Length > n.Length && line[n.Length] is ' ' or '{'))
            {
                continue;
            }

            var value = line.TrimEnd().Split(' ')[^1];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                sum = (sum ?? 0) + number;
            }
        }

        return sum is { } total ? (int)Math.Round(total) : null;
    }

    private string? Unprotect(IDataProtector protector, string? protectedKey, string engine)
    {
        if (protectedKey is null)
        {
            return null;
        }

        try
        {
            return protector.Unprotect(protectedKey);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // The key ring changed (another machine, a lost data folder): the admin enters the key again.
            logger.LogError(e, "The API key of remote engine {Engine} cannot be decrypted; enter it again on Admin › Engines", engine);
            return null;
        }
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
