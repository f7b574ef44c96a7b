using System.Diagnostics.Metrics;
using WebChat.Engine.Downloads;
using WebChat.Engine.Inference;

namespace WebChat.Services.Metrics;

/// <summary>Gauges read when /metrics is scraped: requests running and queued, KV cache use, the model's load state and progress, downloads running.</summary>
public sealed class EngineGauges
{
    public EngineGauges(IInferenceEngine engine, DownloadManager downloads, WebChat.Services.Serving.Engines.RemoteEngines? remote = null,
        WebChat.Services.Serving.Engines.RemoteAdmission? admission = null)
    {
        var meter = GenerationMetrics.Meter;
        if (remote is not null)
        {
            RemoteEngineGauges.Register(meter, remote, admission);
        }

        meter.CreateObservableGauge("webchat.requests.running", () => engine.Status.ActiveSequences, "{request}", "Requests generating now");
        meter.CreateObservableGauge("webchat.requests.queued", () => engine.Status.QueuedRequests, "{request}", "Requests waiting for a free sequence");
        meter.CreateObservableGauge("webchat.kv_cache.tokens", () => engine.KvCache.Tokens, "{token}", "Tokens held in the KV cache (answers in progress and prefixes kept for reuse)");
        meter.CreateObservableGauge("webchat.kv_cache.usage", () => engine.KvCache.Fraction, description: "Share of the KV cache in use, 0 to 1");
        meter.CreateObservableGauge("webchat.model.state", () => StateMeasurements(engine.Status), description:
            "1 for the engine's current state (Empty, Loading, Ready, Failed), 0 for the others");
        meter.CreateObservableGauge("webchat.model.load_progress", () => engine.Status.LoadProgress, description: "Load progress of the model, 0 to 1");
        meter.CreateObservableGauge("webchat.downloads.active", () => downloads.Jobs.Count(j => !j.Completion.IsCompleted && j.State != DownloadState.Paused), "{download}", "Model downloads in progress");
    }

    private static IEnumerable<Measurement<int>> StateMeasurements(EngineStatus status) =>
        Enum.GetValues<EngineState>().Select(state => new Measurement<int>(
            state == status.State ? 1 : 0,
            new KeyValuePair<string, object?>("state", state.ToString()),
            new KeyValuePair<string, object?>("model", status.ModelName ?? "")));
}
