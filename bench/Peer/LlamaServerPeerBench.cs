using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebChat.Bench.Chat;
using WebChat.Bench.Engines;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Tests.Support.Models;

namespace WebChat.Bench.Peer;

/// <summary>
/// bench peer --llama-server: WebChat's /v1 (the in-process engine) against llama.cpp's llama-server on the same generated
/// GGUF, the same threads and 4 sequences each, through the same streaming client, in interleaved rounds. New prompts
/// (nothing cached) and a shared prefix (each user resends their own system prompt and history with a new question,
/// as agents and editors do; llama-server reuses its prompt cache across requests): time to first token for one
/// request and for 4 users at once, aggregate tokens/s, and the whole request of a repeated prompt.
/// </summary>
internal static class LlamaServerPeerBench
{
    public const string Flag = "--llama-server";
    private const int Users = 4;
    private const int ContextPerSequence = 2560;
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        var quick = args.Contains("--quick");
        var rounds = int.TryParse(Option(args, "--rounds"), CultureInfo.InvariantCulture, out var r) ? r : quick ? 2 : 3;
        var answerTokens = quick ? 16 : 32;
        var threads = Environment.ProcessorCount;
        var binary = await LlamaServer.BinaryAsync();
        var spec = BenchModels.Qwen25HalfBLike;
        Console.WriteLine($"# {spec.Name} {spec.WeightType}: generating or reusing the model file");
        var model = BenchModels.Get(spec);

        await using var server = await LlamaServer.StartAsync(binary, model, spec.Name, threads, Users, ContextPerSequence);
        var data = Path.Combine(Path.GetTempPath(), "webchat-bench-peer-server-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        await using var engineServices = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddWebChatInference(o => o.KeepAlive = null).BuildServiceProvider();
        var engine = engineServices.GetRequiredService<IInferenceEngine>();
        await using var app = BenchApp.Start(data, engine);
        var (modelId, installed) = await InstallAsync(app, model);
        await engine.LoadAsync(new ModelLoadOptions { ModelPath = installed, ParallelSequences = Users, ContextPerSequence = ContextPerSequence, Threads = threads });
        var keys = new List<string>();
        for (var i = 0; i < Users; i++)
        {
            keys.Add(await BenchApiKeys.CreateAsync(app, $"peer{i}@bench.test"));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var sides = new[]
        {
            new Side("WebChat /v1", new Uri(app.BaseAddress, "v1/"), modelId, keys),
            new Side("llama-server", new Uri(server.BaseAddress, "v1/"), spec.Name, [.. keys.Select(_ => (string?)null)]),
        };
        var report = new LlamaServerPeerReport
        {
            Command = "dotnet run -c Release --project bench -- " + string.Join(' ', args),
            Model = $"{spec.Name} {spec.WeightType} ({new FileInfo(model).Length / (1024.0 * 1024):0} MiB), random weights",
            Threads = threads, Users = Users, AnswerTokens = answerTokens, Rounds = rounds,
            LlamaServer = await LlamaServer.DescribeAsync(binary),
            LoadAtStart = LoadAverage(),
        };

        // Warm-up: the first requests fault the weights in and build graphs on both sides; not measured.
        foreach (var side in sides)
        {
            await side.SendAsync(http, 0, [("user", "Warm up. " + Text(200))], answerTokens);
        }

        // New prompts: every request starts with text no earlier request had, so neither side can reuse anything.
        for (var round = 0; round < rounds; round++)
        {
            await InterleavedAsync(sides, round, async side =>
            {
                var one = await side.SendAsync(http, 0, [("user", $"Round {round}, {side.Name}, alone. " + Text(400))], answerTokens);
                report.Add("new prompt, 1 request: time to first token (ms)", side.Name, one.FirstTokenMs, one);
                await Task.Delay(Settle);
                var (four, seconds) = await AtOnceAsync(side, user => side.SendAsync(http, user, [("user", $"Round {round}, {side.Name}, user {user}. " + Text(400))], answerTokens));
                report.Add("new prompt, 4 users at once: time to first token, mean (ms)", side.Name, MeanFirstToken(four), four);
                report.Add("new prompt, 4 users at once: aggregate (tok/s)", side.Name, CompletedTokens(four) / seconds, four);
            });
            Console.WriteLine($"  new prompts: round {round + 1}/{rounds} done");
        }

        // Shared prefix: each user's own system prompt and history (~700 tokens), sent once to fill the caches, then
        // again each round with a new last question. Only the question and the answer are new.
        foreach (var side in sides)
        {
            await AtOnceAsync(side, user => side.SendAsync(http, user, History(user, "Where do we start?"), answerTokens));
        }

        for (var round = 0; round < rounds; round++)
        {
            await InterleavedAsync(sides, round, async side =>
            {
                var one = await side.SendAsync(http, 0, History(0, $"Question {round} for {side.Name}, alone?"), answerTokens);
                report.Add("shared prefix, 1 request: time to first token (ms)", side.Name, one.FirstTokenMs, one);
                await Task.Delay(Settle);
                var (four, seconds) = await AtOnceAsync(side, user => side.SendAsync(http, user, History(user, $"Question {round} for {side.Name}?"), answerTokens));
                report.Add("shared prefix, 4 users at once: time to first token, mean (ms)", side.Name, MeanFirstToken(four), four);
                report.Add("shared prefix, 4 users at once: aggregate (tok/s)", side.Name, CompletedTokens(four) / seconds, four);
                await Task.Delay(Settle);

                // The same request twice with max_tokens 1: the second's whole request (issue 27's "repeated prompt").
                var again = History(0, $"Repeat {round} for {side.Name}.");
                await side.SendAsync(http, 0, again, 1);
                var clock = Stopwatch.StartNew();
                var repeated = await side.SendAsync(http, 0, again, 1);
                report.Add("repeated prompt, max_tokens 1: whole request (ms)", side.Name, clock.Elapsed.TotalMilliseconds, repeated);
            });
            Console.WriteLine($"  shared prefix: round {round + 1}/{rounds} done");
        }

        report.LoadAtEnd = LoadAverage();
        var table = report.Table();
        await BenchResults.WriteAsync(resultsDirectory, Option(args, "--out") ?? "peer-llama-server", report, table);
        Console.WriteLine(table);
        TryDelete(data);
        return 0;
    }

    /// <summary>Both sides once per round, in an order that alternates by round, with a pause between them.</summary>
    private static async Task InterleavedAsync(IReadOnlyList<Side> sides, int round, Func<Side, Task> measure)
    {
        for (var i = 0; i < sides.Count; i++)
        {
            await measure(sides[(i + round) % sides.Count]);
            await Task.Delay(Settle);
        }
    }

    private static async Task<(StreamResult[] Results, double Seconds)> AtOnceAsync(Side side, Func<int, Task<StreamResult>> send)
    {
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, side.Keys.Count).Select(send));
        return (results, clock.Elapsed.TotalSeconds);
    }

    // Only completed streams count (llama-server's chat parser rejects some answers of a random-weight model).
    private static double MeanFirstToken(StreamResult[] streams) =>
        streams.Any(s => s.Completed) ? streams.Where(s => s.Completed).Average(s => s.FirstTokenMs) : double.NaN;

    private static double CompletedTokens(StreamResult[] streams) =>
        streams.Any(s => s.Completed) ? streams.Where(s => s.Completed).Sum(s => s.Tokens) : double.NaN;

    /// <summary>A system prompt and two earlier turns, different per user from the first token, then the new question.</summary>
    internal static IReadOnlyList<(string Role, string Content)> History(int user, string question) =>
    [
        ("system", $"You are the assistant of user {user}. " + Text(300)),
        ("user", "First question: " + Text(120)),
        ("assistant", "First answer: " + Text(120)),
        ("user", "Second question: " + Text(60)),
        ("assistant", "Second answer: " + Text(60)),
        ("user", question),
    ];

    /// <summary>Plain words, each a whole token of the generated vocabulary (SentencePieceVocabulary's common words).</summary>
    internal static string Text(int words)
    {
        string[] sentence = ["the", "cat", "and", "the", "dog", "go", "up", "to", "the", "water", "with", "a", "little", "blue", "sky"];
        return string.Join(' ', Enumerable.Range(0, words).Select(i => sentence[i % sentence.Length]));
    }

    // The model as the Library holds it: a link in the models folder (the API serves the loaded file only under its installed path).
    private static async Task<(string Id, string Path)> InstallAsync(BenchApp app, string model)
    {
        var options = app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value;
        var relative = Path.Combine("local", Path.GetFileName(model));
        var target = Path.Combine(options.ModelsDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.CreateSymbolicLink(target, model);
        var id = "local/" + Path.GetFileName(model);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        db.InstalledModels.Add(new InstalledModel
        {
            Id = id, FileName = Path.GetFileName(model), RelativePath = relative.Replace('\\', '/'),
            SizeBytes = new FileInfo(model).Length, Source = ModelSource.Import, UserSelectable = true,
        });
        await db.SaveChangesAsync();
        return (id, target);
    }

    private static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>One server under measurement: its /v1 address, the model id it answers to and one key per user (or none).</summary>
    private sealed record Side(string Name, Uri V1, string Model, IReadOnlyList<string?> Keys)
    {
        public Task<StreamResult> SendAsync(HttpClient http, int user, IReadOnlyList<(string Role, string Content)> messages, int maxTokens) =>
            ChatCompletionStream.RunAsync(http, V1, Keys[user], Model, messages, maxTokens);
    }
}
