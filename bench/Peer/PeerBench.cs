using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLama;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebChat.Bench.Inference;
using WebChat.Configuration;
using WebChat.Engine.Catalog;
using WebChat.Engine.Gguf;
using WebChat.Engine.Gguf.Writing;
using WebChat.Engine.Inference;
using WebChat.Engine.Inference.Native;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Support.Native;

namespace WebChat.Bench.Peer;

/// <summary>
/// The engine, a bare LLamaSharp loop and node-llama-cpp (the peer, its own prebuilt llama.cpp) on the same generated
/// GGUF with the same threads, in interleaved rounds: one-stream decode, prefill of 512 and 2,048 tokens, 8 concurrent
/// streams, time to first token at turn 6 of a chat. Every ratio is a median of per-round ratios; speeds, so above 1
/// means the engine is faster.
/// </summary>
internal static class PeerBench
{
    public const string Command = "peer";
    private const int Sequences = 8;
    private const int ContextPerSequence = 2560;
    private static readonly SamplingOptions Sampling = new() { Seed = 7 };
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        if (args.Contains(LlamaServerPeerBench.Flag))
        {
            return await LlamaServerPeerBench.RunAsync(resultsDirectory, args);
        }

        var quick = args.Contains("--quick");
        var native = Option(args, "--native");
        var threads = int.TryParse(Option(args, "--threads"), CultureInfo.InvariantCulture, out var t) ? t : Environment.ProcessorCount;
        var options = TunedOptions(args) with { NativeLibrary = native };
        var selection = NativeLibrarySelection.Create(options.ToInference(), NullLoggerFactory.Instance, typeof(WebChatOptions).Assembly.Location);
        var library = await selection.ApplyAsync();
        if (native is not null && !library.Custom)
        {
            Console.Error.WriteLine($"--native refused: {library.Refusal}");
            return 3;
        }

        var report = new PeerReport
        {
            Command = "dotnet run -c Release --project bench -- " + string.Join(' ', args),
            Cpu = CpuDescription(),
            LoadAtStart = LoadAverage(),
            Threads = threads,
            Settings = options,
            EngineLibrary = $"{library.Report.LlamaPath} ({(library.Custom ? "Inference:NativeLibrary" : "bundled " + library.Report.Variant)}); {library.Report.SystemInfo}",
        };
        await using var peer = await PeerProcess.StartAsync();
        foreach (var spec in Models(args))
        {
            Console.WriteLine($"# {ModelLabel(spec)}: generating or reusing the model file");
            report.Models.Add(await MeasureModelAsync(peer, spec, BenchModels.Get(spec), options, threads, quick ? 2 : 5, quick, report));
        }

        report.LoadAtEnd = LoadAverage();
        var table = report.Table();
        await BenchResults.WriteAsync(resultsDirectory, Option(args, "--out") ?? "peer", report, table);
        Console.WriteLine(table);
        return 0;
    }

    private static async Task<ModelResult> MeasureModelAsync(PeerProcess peer, LlamaModelSpec spec, string path, BenchSettings settings, int threads, int rounds, bool quick, PeerReport report)
    {
        var generate = quick ? 32 : 96;
        var load = new ModelLoadOptions { ModelPath = path, ParallelSequences = Sequences, ContextPerSequence = ContextPerSequence, Threads = threads, BatchThreads = settings.BatchThreads, FlashAttention = settings.FlashAttention, KvCacheType = settings.KvCache };
        var peerLoad = await peer.SendAsync(new { op = "load", modelPath = path, threads, sequences = Sequences, contextSize = ContextPerSequence });
        report.PeerLibrary ??= $"node-llama-cpp {NodeLlamaCpp.Version} ({peerLoad["buildType"]}, llama.cpp {peerLoad["release"]?["release"]}); batch {peerLoad["batchSize"]}; " +
            string.Join(", ", peerLoad["libraries"]!.AsArray().Select(l => Path.GetFileName(l!.GetValue<string>()))) + $"; {peerLoad["systemInfo"]}";

        var inference = settings.ToInference();
        var engine = new InferenceEngine(
            new LlamaBackendLoader(new EstimatorFitCheck(new SystemMemoryReader()), Options.Create(inference), NativeLibrarySelection.Create(inference, NullLoggerFactory.Instance)),
            Options.Create(inference), TimeProvider.System, NullLoggerFactory.Instance);
        await engine.LoadAsync(load);
        await using var bench = new BenchEngine(engine, path);
        using var weights = await LLamaWeights.LoadFromFileAsync(LlamaBackendLoader.CreateParameters(load, 0, inference.PrefillChunkTokens));
        using var bare = new BareDecodeLoop(weights, load, inference.PrefillChunkTokens);
        var story = await bench.StoryPromptTokensAsync();
        var result = new ModelResult { Model = ModelLabel(spec) };
        var text512 = bench.TextOfAbout(500);
        var text2048 = bench.TextOfAbout(2020);

        // Warm-up: the first decodes fault the mapped model in and build the compute graphs; they are not measured.
        await bench.AggregateTokensPerSecondAsync(Sequences, 4);
        bare.Generate(story, Sequences, 4, Sampling);
        await peer.SendAsync(new { op = "concurrent", tokens = story, width = Sequences, n = 4 });

        for (var round = 0; round < rounds; round++)
        {
            // Each round's prompts start differently, so nothing can be served from a cache of an earlier round.
            var prefix = $"Round {round}: ";
            await RoundAsync(result, "decode, one stream (tok/s)", round,
                () => bench.AggregateTokensPerSecondAsync(1, generate),
                () => generate / bare.Generate(story, 1, generate, Sampling),
                async () => Rate(await peer.SendAsync(new { op = "decode", tokens = story, n = generate })));
            foreach (var (label, text) in new[] { ("prefill 512 (tok/s)", text512), ("prefill 2,048 (tok/s)", text2048) })
            {
                var tokens = await bench.PrefillTokensAsync(prefix + text);
                await RoundAsync(result, label, round,
                    async () => { var (seconds, count) = await bench.PrefillAsync(prefix + text); return count / seconds; },
                    () => tokens.Length / bare.DecodePrompt(tokens),
                    async () => tokens.Length / (await peer.SendAsync(new { op = "prefill", tokens }))["first"]!.GetValue<double>());
            }

            await RoundAsync(result, $"{Sequences} concurrent, aggregate (tok/s)", round,
                () => bench.AggregateTokensPerSecondAsync(Sequences, generate / 2),
                () => Sequences * (generate / 2) / bare.Generate(story, Sequences, generate / 2, Sampling),
                async () => Rate(await peer.SendAsync(new { op = "concurrent", tokens = story, width = Sequences, n = generate / 2 })));

            // Turn-6 time to first token, as a speed (1 / seconds) so that above 1 means the engine is faster; no bare loop.
            var questions = Enumerable.Range(1, 6).Select(BenchEngine.TurnQuestion).ToArray();
            await RoundAsync(result, "turn-6 time to first token (1/s)", round,
                async () => 1 / (await bench.TurnTimesAsync($"peer-{round}", 6)).Last,
                null,
                async () => 1 / (await peer.SendAsync(new { op = "turns", system = BenchEngine.TurnSystemPrompt, questions, maxTokens = 24 }))["times"]!.AsArray().Last()!.GetValue<double>());
            Console.WriteLine($"  round {round + 1}/{rounds} done");
        }

        foreach (var measure in result.Measures)
        {
            Console.WriteLine($"  {measure.Name}: engine {Stats.Median(measure.Engine):0.0}, bare {(measure.Bare.Count > 0 ? Stats.Median(measure.Bare).ToString("0.0", CultureInfo.InvariantCulture) : "-")}, peer {Stats.Median(measure.Peer):0.0}, engine/peer {Stats.Median(measure.VersusPeer):0.00}");
        }

        return result;
    }

    // The three sides in a rotating order, with a pause between them so the previous side's OpenMP threads stop spinning.
    private static async Task RoundAsync(ModelResult result, string name, int round, Func<Task<double>> engine, Func<double>? bare, Func<Task<double>> peer)
    {
        var measure = result.Measure(name);
        double e = 0, b = 0, p = 0;
        var order = new List<Func<Task>> { async () => e = await engine(), async () => p = await peer() };
        if (bare is not null)
        {
            order.Add(() => { b = bare(); return Task.CompletedTask; });
        }

        for (var i = 0; i < order.Count; i++)
        {
            await order[(i + round) % order.Count]();
            await Task.Delay(Settle);
        }

        measure.Add(e, bare is null ? null : b, p);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {name}: engine {e:0.00}, bare {(bare is null ? "-" : b.ToString("0.00", CultureInfo.InvariantCulture))}, peer {p:0.00}"));
    }

    // Q8_0 and Q4_0 as before, and Q4_K_M, the file people download (Q4_K and Q6_K, Q5_0 and Q8_0 on the 896-wide rows).
    private static IEnumerable<LlamaModelSpec> Models(string[] args)
    {
        var shape = BenchModels.Qwen25HalfBLike;
        if (Option(args, "--models") is { } names)
        {
            return names.Split(',').Select(name => name == "Q4_K_M" ? shape with { Mix = WeightMix.Q4_K_M } : shape with { WeightType = Enum.Parse<GgmlType>(name) });
        }

        return args.Contains("--q8-only") ? [shape] : [shape, shape with { WeightType = GgmlType.Q4_0 }, shape with { Mix = WeightMix.Q4_K_M }];
    }

    private static string ModelLabel(LlamaModelSpec spec) =>
        $"{spec.Name} {(spec.Mix == WeightMix.Uniform ? spec.WeightType.ToString() : spec.Mix.ToString())}";

    private static double Rate(JsonObject answer) => answer["count"]!.GetValue<double>() / answer["total"]!.GetValue<double>();

    private static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    // The engine's settings for this run: the app's defaults unless a switch names another value.
    private static BenchSettings TunedOptions(string[] args)
    {
        var defaults = new InferenceOptions();
        return new BenchSettings
        {
            PrefillChunkTokens = int.TryParse(Option(args, "--chunk"), CultureInfo.InvariantCulture, out var chunk) ? chunk : defaults.PrefillChunkTokens,
            PrefillStepBudget = double.TryParse(Option(args, "--step-budget-ms"), CultureInfo.InvariantCulture, out var budget) ? TimeSpan.FromMilliseconds(budget) : defaults.PrefillStepBudget,
            BatchThreads = int.TryParse(Option(args, "--batch-threads"), CultureInfo.InvariantCulture, out var bt) ? bt : null,
            FlashAttention = Option(args, "--flash") is not "off",
            KvCache = Enum.TryParse<KvCacheType>(Option(args, "--kv"), ignoreCase: true, out var kv) ? kv : KvCacheType.F16,
        };
    }

    private static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    private static string CpuDescription()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return Environment.ProcessorCount + " logical processors";
        }

        var lines = File.ReadAllLines("/proc/cpuinfo");
        var model = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        var flags = (lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1] ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => f.StartsWith("avx", StringComparison.Ordinal) || f.StartsWith("amx", StringComparison.Ordinal) || f is "fma" or "f16c");
        return $"{model}, {Environment.ProcessorCount} logical processors; {string.Join(' ', flags)}";
    }
}
