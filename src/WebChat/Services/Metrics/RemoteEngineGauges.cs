using System.Diagnostics.Metrics;
using WebChat.Services.Serving.Engines;

namespace WebChat.Services.Metrics;

/// <summary>Per remote engine (label "engine"): whether it is up, its latency, requests in flight, load and last tokens/s; per remote model (label "model"): requests waiting in the fair queue. Read when /metrics is scraped.</summary>
internal static class RemoteEngineGauges
{
    public static void Register(Meter meter, RemoteEngines engines, RemoteAdmission? admission)
    {
        if (admission is not null)
        {
            // Per model, not per engine: a waiting request waits for whichever replica of its model has room first.
            meter.CreateObservableGauge("webchat.remote_model.waiting", () => Waiting(admission), "{request}",
                "Requests waiting in the fair queue for room on the model's remote replicas (Engines:MaxInFlightPerReplica)");
        }

        meter.CreateObservableGauge("webchat.engine.up", () => Each(engines, v => v.Health == RemoteEngineHealth.Ready && !v.CoolingDown ? 1 : 0),
            description: "1 when the remote engine answers its health check and is not cooling down");
        meter.CreateObservableGauge("webchat.engine.latency", () => Each(engines, v => v.LatencyMs ?? 0), "ms", "Latency of the engine's last health check");
        meter.CreateObservableGauge("webchat.engine.in_flight", () => Each(engines, v => v.InFlight), "{request}", "WebChat's requests in flight on the engine");
        meter.CreateObservableGauge("webchat.engine.load", () => Each(engines, v => v.Load), "{request}", "Requests in flight on the engine, its own count where it reports one");
        meter.CreateObservableGauge("webchat.engine.tokens_per_second", () => Each(engines, v => v.TokensPerSecond ?? 0), "{token}/s", "Generation speed of the engine's last answer");
    }

    internal static IEnumerable<Measurement<int>> Waiting(RemoteAdmission admission) =>
        admission.WaitingPerModel().Select(m => new Measurement<int>(m.Waiting, new KeyValuePair<string, object?>("model", m.Model)));

    private static IEnumerable<Measurement<double>> Each(RemoteEngines engines, Func<RemoteEngineView, double> value) =>
        engines.Views().Select(v => new Measurement<double>(value(v), new KeyValuePair<string, object?>("engine", v.Name)));
}
