using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LLama;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebChat.Engine.Gguf.Writing;
using WebChat.Engine.Catalog;
using WebChat.Engine.Inference;
using WebChat.Engine.Inference.Native;
using WebChat.Tests.Support.Models;

namespace WebChat.Bench.Inference;

/// <summary>
/// The engine against bare LLamaSharp loops on generated realistic models, every number a ratio to a baseline
/// measured in the same run: one stream, N concurrent streams, time to first token with and without prefix reuse,
/// and how fast a long prompt stops when cancelled.
/// </summary>
internal static class InferenceBench
{
    private const int Threads = 2;
    private const int Chunk = 256;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly SamplingOptions Sampling = new() { Seed = 7 };

    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        var quick = args.Contains("--quick");
        var specs = args.Contains("--small-only") ? [BenchModels.Qwen25HalfBLike] : new[] { BenchModels.Qwen25HalfBLike, BenchModels.Llama32OneBLike };
        var reports = new List<ModelReport>();
        foreach (var spec in specs)
        {
            Console.WriteLine($"# {spec.Name}: generating or reusing the model file");
            var path = BenchModels.Get(spec);
            reports.Add(await MeasureModelAsync(spec, path, quick));
        }

        Directory.CreateDirectory(resultsDirectory);
        var command = "dotnet run -c Release --project bench -- inference" + (quick ? " --quick" : "") + (specs.Length == 1 ? " --small-only" : "");
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "inference.json"), JsonSerializer.Serialize(new { command, threads = Threads, chunk = Chunk, models = reports }, Indented));
        var table = Table(reports, command);
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "inference.md"), table);
        Console.WriteLine(table);
        return 0;
    }

    private static async Task<ModelReport> MeasureModelAsync(LlamaModelSpec spec, string path, bool quick)
    {
        // One stream generates a short answer's length; the width runs, which take W times as long, half of that.
        var generate = quick ? 48 : 96;
        var repeats = quick ? 3 : 5;
        var report = new ModelReport { Model = spec.Name };

        await using (var engine = await LoadEngineAsync(path, sequences: 8, context: 1024))
        {
            // The baseline decodes exactly the tokens the engine does: the chat template applied to the same message.
            var prompt = await engine.StoryPromptTokensAsync();
            using var weights = await LLamaWeights.LoadFromFileAsync(LlamaBackendLoader.CreateParameters(Load(path, 8, 1024), 0, Chunk));
            using var bare = new BareDecodeLoop(weights, Load(path, 8, 1024), Chunk);

            // (1) One stream, engine vs bare loop. The machine's speed drifts by tens of percent over a minute, so each
            // engine run is paired with a bare run made right beside it (in turn first and second), and the ratio is
            // the median of the pairs' ratios.
            report.SingleStream = await PairedAsync(repeats * 2 + 1,
                () => engine.AggregateTokensPerSecondAsync(1, generate),
                () => Rate(1, generate, bare.Generate(prompt, 1, generate, Sampling)));
            Console.WriteLine($"  single stream: {report.SingleStream}");

            // (2) Aggregate tokens/s at widths 1, 2, 4, 8, taken round-robin (every repeat visits every width), so the
            // ratio of width 8 to width 1 compares runs made moments apart rather than minutes apart.
            int[] widths = [1, 2, 4, 8];
            var engineRates = widths.ToDictionary(w => w, _ => new List<double>());
            var bareRates = widths.ToDictionary(w => w, _ => new List<double>());
            for (var i = 0; i < repeats; i++)
            {
                foreach (var width in widths)
                {
                    var (e, b) = await PairAsync(i,
                        () => engine.AggregateTokensPerSecondAsync(width, generate / 2),
                        () => Rate(width, generate / 2, bare.Generate(prompt, width, generate / 2, Sampling)));
                    engineRates[width].Add(e);
                    bareRates[width].Add(b);
                }
            }

            foreach (var width in widths)
            {
                var result = new WidthResult(width, Median(engineRates[width]), Median(bareRates[width]),
                    VersusBare: Median(engineRates[width].Zip(bareRates[width], (e, b) => e / b)),
                    VersusOne: Median(engineRates[width].Zip(engineRates[1], (e, one) => e / one)));
                report.Widths.Add(result);
                Console.WriteLine($"  width {width}: engine {result.Engine:0.0} tok/s, bare {result.Bare:0.0} tok/s, vs bare {result.VersusBare:0.00}, vs engine at 1 {result.VersusOne:0.00}");
            }
        }

        // (3) Time to first token at turn 10 vs turn 1, with and without reuse.
        await using (var engine = await LoadEngineAsync(path, sequences: 2, context: 4096))
        {
            report.TurnsWithReuse = await engine.TurnTimesAsync(conversationKey: "bench", turns: 10);
            report.TurnsWithoutReuse = await engine.TurnTimesAsync(conversationKey: null, turns: 10);
            Console.WriteLine($"  ttft turn10/turn1: reuse {report.TurnsWithReuse.Ratio:0.00}, no reuse {report.TurnsWithoutReuse.Ratio:0.00}");

            // (4) Cancel during a ~2,000-token prompt vs decoding that prompt whole with a bare loop.
            var text = engine.TextOfAbout(2000);
            var (latency, promptTokens) = await engine.CancelLatencyAsync(text);
            using var weights = await LLamaWeights.LoadFromFileAsync(LlamaBackendLoader.CreateParameters(Load(path, 2, 4096), 0, Chunk));
            using var bare = new BareDecodeLoop(weights, Load(path, 2, 4096), Chunk);
            // What a simple executor would make the person wait: the whole prompt (from one chunk's bare decode time).
            var chunkSeconds = bare.DecodePrompt(engine.Tokens(text)[..Chunk]);
            var whole = chunkSeconds * Math.Ceiling(promptTokens / (double)Chunk);
            report.Cancel = new CancelResult(promptTokens, latency, whole);
            Console.WriteLine($"  cancel: {latency:0.000} s in a {promptTokens}-token prompt (one chunk {chunkSeconds:0.00} s, whole prompt about {whole:0.00} s)");
        }

        return report;
    }

    private static ModelLoadOptions Load(string path, int sequences, int context) => new()
    {
        ModelPath = path, ParallelSequences = sequences, ContextPerSequence = context, Threads = Threads,
    };

    private static async Task<BenchEngine> LoadEngineAsync(string path, int sequences, int context)
    {
        var options = new InferenceOptions { PrefillChunkTokens = Chunk, QueueLimit = 64, KeepAlive = null, MinAnswerTokens = 64 };
        var engine = new InferenceEngine(
            new LlamaBackendLoader(new EstimatorFitCheck(new SystemMemoryReader()), Options.Create(options), NativeLibrarySelection.Create(options, NullLoggerFactory.Instance)),
            Options.Create(options), TimeProvider.System, NullLoggerFactory.Instance);
        await engine.LoadAsync(Load(path, sequences, context));
        return new BenchEngine(engine, path);
    }

    private static double Rate(int width, int tokens, double seconds) => width * tokens / seconds;

    // One engine run and one baseline run, the engine first on even turns.
    private static async Task<(double Engine, double Baseline)> PairAsync(int turn, Func<Task<double>> engine, Func<double> baseline)
    {
        if (turn % 2 == 0)
        {
            var e = await engine();
            return (e, baseline());
        }

        var b = baseline();
        return (await engine(), b);
    }

    // Runs engine and baseline side by side n times, alternating which goes first; medians of each and of the pairs' ratios.
    private static async Task<Ratio> PairedAsync(int n, Func<Task<double>> engine, Func<double> baseline)
    {
        var engineRates = new List<double>();
        var baselineRates = new List<double>();
        for (var i = 0; i < n; i++)
        {
            var (e, b) = await PairAsync(i, engine, baseline);
            engineRates.Add(e);
            baselineRates.Add(b);
        }

        var ratios = engineRates.Zip(baselineRates, (e, b) => e / b).ToList();
        return new Ratio(Median(engineRates), Median(baselineRates), Median(ratios), Spread(engineRates.Concat(baselineRates)), Spread(ratios));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    // Largest relative distance from the median among repeated runs of the same kind (a noise indicator).
    private static double Spread(IEnumerable<double> values)
    {
        var list = values.ToList();
        var median = Median(list);
        return list.Max(v => Math.Abs(v - median) / median);
    }

    private static string Table(List<ModelReport> reports, string command)
    {
        var text = new StringBuilder();
        text.AppendLine("## Inference engine vs bare LLamaSharp (random-weight Q8_0 models, 2 threads, CPU)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`. Every ratio compares runs made in the same process: engine and baseline run side by side, in turn first, and a ratio to the baseline is the median of those pairs' ratios.");
        text.AppendLine();
        text.AppendLine("| model | measurement | engine | baseline | ratio | goal |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in reports)
        {
            text.AppendLine(Row(r.Model, "(1) one stream, tokens/s (engine vs bare decode loop)", r.SingleStream.Engine, r.SingleStream.Baseline, r.SingleStream.Value, "≥ 0.97"));
            var one = r.Widths.First(w => w.Width == 1).Engine;
            foreach (var w in r.Widths)
            {
                text.AppendLine(Row(r.Model, $"(2) {w.Width} concurrent, aggregate tokens/s vs engine at 1", w.Engine, one, w.VersusOne, w.Width == 8 ? "≥ 2.0" : ""));
                text.AppendLine(Row(r.Model, $"(2) {w.Width} concurrent vs bare batched loop at width {w.Width}", w.Engine, w.Bare, w.VersusBare, "≥ 0.9"));
            }

            text.AppendLine(Row(r.Model, "(3) time to first token, turn 10 / turn 1, with reuse (s)", r.TurnsWithReuse.Last, r.TurnsWithReuse.First, r.TurnsWithReuse.Ratio, "≤ 1.3"));
            text.AppendLine(Row(r.Model, "(3) same without reuse (s)", r.TurnsWithoutReuse.Last, r.TurnsWithoutReuse.First, r.TurnsWithoutReuse.Ratio, "(shown)"));
            text.AppendLine(Row(r.Model, $"(4) cancel latency in a {r.Cancel.PromptTokens}-token prompt vs decoding it whole (chunks x bare chunk time, s)", r.Cancel.LatencySeconds, r.Cancel.WholePromptSeconds, r.Cancel.LatencySeconds / r.Cancel.WholePromptSeconds, "≤ 0.5 s"));
        }

        text.AppendLine();
        text.AppendLine("Noise: " + string.Join("; ", reports.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Model} single-stream runs within ±{r.SingleStream.Spread:P0} of their median, paired ratios within ±{r.SingleStream.RatioSpread:P0}"))) + ".");
        return text.ToString();
    }

    private static string Row(string model, string what, double engine, double baseline, double ratio, string goal) =>
        string.Create(CultureInfo.InvariantCulture, $"| {model} | {what} | {engine:0.###} | {baseline:0.###} | **{ratio:0.00}** | {goal} |");

    /// <summary>Medians of engine and baseline runs, the median of their paired ratios, and how far runs and ratios strayed from their medians.</summary>
    internal sealed record Ratio(double Engine, double Baseline, double Value, double Spread, double RatioSpread)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"engine {Engine:0.0} tok/s, bare {Baseline:0.0} tok/s, paired ratio {Value:0.00} (runs within ±{Spread:P0}, ratios within ±{RatioSpread:P0})");
    }

    /// <summary>Medians at one width; the ratios are medians of per-repeat ratios (to the bare loop, to the engine at width 1).</summary>
    internal sealed record WidthResult(int Width, double Engine, double Bare, double VersusBare, double VersusOne);

    internal sealed record CancelResult(int PromptTokens, double LatencySeconds, double WholePromptSeconds);

    internal sealed record TurnTimes(IReadOnlyList<double> Seconds)
    {
        public double First => Seconds[0];
        public double Last => Seconds[^1];
        public double Ratio => Last / First;
    }

    internal sealed class ModelReport
    {
        public required string Model { get; init; }
        public Ratio SingleStream { get; set; } = new(0, 1, 0, 0, 0);
        public List<WidthResult> Widths { get; } = [];
        public TurnTimes TurnsWithReuse { get; set; } = new([1]);
        public TurnTimes TurnsWithoutReuse { get; set; } = new([1]);
        public CancelResult Cancel { get; set; } = new(0, 0, 1);
    }
}
