using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LLama;
using WebChat.Bench.Inference;
using WebChat.Bench.Peer;
using WebChat.Configuration;
using WebChat.Engine.Inference;
using WebChat.Tests.Support.Files;
using WebChat.Tests.Support.Models;

namespace WebChat.Bench.Cli;

/// <summary>
/// The command line's <c>run</c> against a bare LLamaSharp loop on the same GGUF, with the same context, threads and
/// answer length, in interleaved rounds: one-stream decode speed after the first token. <c>run</c> is timed by its own
/// summary line (the engine's clock); the loop by a stopwatch around its steps. A Debug build of the app, where one
/// exists, is measured beside the Release one, since <c>dotnet run</c> runs Debug.
/// </summary>
internal static partial class CliRunBench
{
    public const string Command = "cli-run";
    private const int Context = 4096;
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        var rounds = args.Contains("--quick") ? 2 : 5;
        var tokens = args.Contains("--quick") ? 48 : 128;
        var model = BenchModels.Get(BenchModels.Qwen25HalfBLike);
        var threads = Environment.ProcessorCount;
        var release = typeof(WebChatOptions).Assembly.Location;
        var debug = DebugBuild();
        const string prompt = "Tell me a long story about a lighthouse keeper and the sea.";

        var load = new ModelLoadOptions { ModelPath = model, ParallelSequences = 1, ContextPerSequence = Context, Threads = threads };
        using var weights = await LLamaWeights.LoadFromFileAsync(LlamaBackendLoader.CreateParameters(load, 0, new InferenceOptions().PrefillChunkTokens));
        using var bare = new BareDecodeLoop(weights, load, new InferenceOptions().PrefillChunkTokens);
        var promptTokens = weights.Tokenize(prompt, add_bos: true, special: true, Encoding.UTF8).Select(t => (int)t).ToArray();
        var sampling = new SamplingOptions { Temperature = 0, Seed = 1 };

        var sides = new List<(string Name, Func<Task<double>> Measure)>
        {
            ("bare LLamaSharp loop", () => Task.FromResult((tokens - 1) / bare.GenerateAfterFirst(promptTokens, tokens, sampling))),
            ("run (Release)", () => RunCliAsync(release, model, prompt, tokens, threads)),
            ("run (Release, tiered compilation kept on: as before the fix)", () => RunCliAsync(release, model, prompt, tokens, threads, tiered: true)),
        };
        if (debug is not null)
        {
            sides.Add(("run (Debug, as dotnet run)", () => RunCliAsync(debug, model, prompt, tokens, threads)));
        }

        await sides[1].Measure(); // warm-up: faults the model into the page cache
        bare.GenerateAfterFirst(promptTokens, 8, sampling);
        var samples = sides.ToDictionary(s => s.Name, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < sides.Count; i++)
            {
                var (name, measure) = sides[(i + round) % sides.Count];
                samples[name].Add(await measure());
                await Task.Delay(Settle);
            }

            Console.WriteLine(string.Join(", ", samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value[^1]:0.0} tok/s"))));
        }

        var table = Table(samples, rounds, tokens, threads, model, args);
        Directory.CreateDirectory(resultsDirectory);
        var file = args.Contains("--out") ? args[Array.IndexOf(args, "--out") + 1] : "cli-run";
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, file + ".md"), table);
        Console.WriteLine(table);
        return 0;
    }

    private static string Table(Dictionary<string, List<double>> samples, int rounds, int tokens, int threads, string model, string[] args)
    {
        var baseline = samples.First().Value;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# `run` against a bare LLamaSharp loop: one stream, {tokens} tokens, {threads} threads, {rounds} interleaved rounds");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project bench -- {string.Join(' ', args.Prepend(Command))}`; model {Path.GetFileName(model)}; load at end {File.ReadAllText("/proc/loadavg").Trim()}");
        text.AppendLine();
        text.AppendLine("| side | decode tok/s, median | / bare loop, median of per-round ratios [min–max] |");
        text.AppendLine("|---|---|---|");
        foreach (var (name, values) in samples)
        {
            var ratios = values.Zip(baseline, (v, b) => v / b).ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Stats.Median(values):0.0} | {Stats.Ratio(ratios)} |");
        }

        return text.ToString();
    }

    // The app's summary line, e.g. "[length] prompt 20 tokens (0 reused), answer 128 tokens, first token 0.21 s, 30.1 tokens/s, ...".
    private static async Task<double> RunCliAsync(string assembly, string model, string prompt, int tokens, int threads, bool tiered = false)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("DOTNET_TieredCompilation");
        if (tiered)
        {
            start.Environment["DOTNET_TieredCompilation"] = "1";
        }

        foreach (var argument in new[] { "exec", assembly, "run", model, prompt, "--max-tokens", tokens.ToString(CultureInfo.InvariantCulture),
                     "--temperature", "0", "--seed", "1", "--threads", threads.ToString(CultureInfo.InvariantCulture), "--context", Context.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        var match = SummaryRate().Match(errors);
        if (process.ExitCode != 0 || !match.Success || !errors.Contains($"answer {tokens} tokens", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"run did not answer {tokens} tokens (exit {process.ExitCode}): {errors}");
        }

        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string? DebugBuild() =>
        Path.Combine(Repository.Root, "src", "WebChat", "bin", "Debug", "net10.0", "WebChat.dll") is var path && File.Exists(path) ? path : null;

    [GeneratedRegex(@", ([0-9.]+) tokens/s")]
    private static partial Regex SummaryRate();
}
