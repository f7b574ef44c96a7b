using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using WebChat.Bench.Peer;
using WebChat.Tests.Support.Models;

namespace WebChat.Bench.Engines;

/// <summary>
/// bench engines: WebChat in front of llama.cpp's llama-server (issue 21's remote engines). Part 1: one llama-server on
/// the generated 0.5B GGUF, measured directly and through a WebChat with no in-process engine, by its /v1 API and by its
/// chat page in Chromium, in interleaved rounds: time to first token and decode tokens/s, each through WebChat / direct
/// (goal ≥ 0.95). Part 2 (<see cref="ReplicaBench"/>): two replicas, 8 conversations at once through the chat page.
/// </summary>
internal static class EnginesBench
{
    public const string Command = "engines";
    private const int Parallel = 4;
    private const int ContextPerSequence = 2048;
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        var quick = args.Contains("--quick");
        var rounds = int.TryParse(Option(args, "--rounds"), CultureInfo.InvariantCulture, out var r) ? r : quick ? 2 : 4;
        var answerTokens = quick ? 24 : 48;
        var binary = await LlamaServer.BinaryAsync();
        var engineCpu = int.TryParse(Option(args, "--engine-cpu"), CultureInfo.InvariantCulture, out var c) ? c : (int?)null;
        var threads = engineCpu is null ? Environment.ProcessorCount : 1;
        if (engineCpu is { } cpu && OperatingSystem.IsLinux())
        {
            // The engine gets its CPU to itself, as on a GPU box of its own; this process, WebChat and Chromium
            // (children inherit the mask) share the rest, so neither side takes CPU from the other.
            Process.GetCurrentProcess().ProcessorAffinity = (nint)(((1L << Environment.ProcessorCount) - 1) & ~(1L << cpu));
        }

        var spec = BenchModels.Qwen25HalfBLike;
        Console.WriteLine($"# {spec.Name} {spec.WeightType}: generating or reusing the model file");
        var model = BenchModels.Get(spec);
        var report = new EnginesReport
        {
            Command = "dotnet run -c Release --project bench -- " + string.Join(' ', args),
            Model = $"{spec.Name} {spec.WeightType} ({new FileInfo(model).Length / (1024.0 * 1024):0} MiB), random weights",
            Threads = threads, EngineCpu = engineCpu, AnswerTokens = answerTokens, Rounds = rounds,
            LlamaServer = await LlamaServer.DescribeAsync(binary),
            LoadAtStart = LoadAverage(),
        };

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        if (!args.Contains("--replicas-only"))
        {
            await using var server = await LlamaServer.StartAsync(binary, model, spec.Name, threads, Parallel, ContextPerSequence, cpu: engineCpu);
            await MeasureDirectAndThroughAsync(server, browser, report, rounds, answerTokens);
        }

        if (report.WebChatError is null && !args.Contains("--no-replicas"))
        {
            try
            {
                report.Replicas = await ReplicaBench.RunAsync(binary, model, spec.Name, browser, answerTokens);
            }
            catch (Exception e) when (e is InvalidOperationException or PlaywrightException or TimeoutException or HttpRequestException)
            {
                report.ReplicaError = e.Message;
                Console.WriteLine("  replicas not measured: " + e.Message);
            }
        }

        report.LoadAtEnd = LoadAverage();
        var table = report.Table();
        await BenchResults.WriteAsync(resultsDirectory, Option(args, "--out") ?? "engines", report, table);
        Console.WriteLine(table);
        return report.WebChatError is null ? 0 : 1;
    }

    private static async Task MeasureDirectAndThroughAsync(LlamaServer server, IBrowser browser, EnginesReport report, int rounds, int answerTokens)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var direct = new Uri(server.BaseAddress, "v1/");
        await ChatCompletionStream.RunAsync(http, direct, null, server.Alias, [("user", "Warm up. " + LlamaServerPeerBench.Text(200))], answerTokens);

        RemoteWebChat? webChat = null;
        IPage? page = null;
        try
        {
            webChat = await RemoteWebChat.StartAsync([server], answerTokens);
            page = await webChat.OpenChatAsync(browser, "chat@bench.test", server.Alias);
            // The first request through each path runs WebChat's cold code; not measured.
            await ChatCompletionStream.RunAsync(http, webChat.V1, webChat.Key, webChat.ModelId, [("user", "Warm up. " + LlamaServerPeerBench.Text(200))], answerTokens);
            await ChatPageStream.SendAsync(page, "Warm up. " + LlamaServerPeerBench.Text(200));
        }
        catch (Exception e) when (e is InvalidOperationException or PlaywrightException or TimeoutException or HttpRequestException)
        {
            report.WebChatError = e.Message;
            Console.WriteLine("  WebChat with llama-server as its remote engine did not serve: " + e.Message);
        }

        try
        {
            for (var round = 0; round < rounds; round++)
            {
                // Every prompt starts with text no earlier one had: nothing comes from the server's prompt cache.
                var sides = new List<Func<Task>>
                {
                    async () => report.DirectEngine.Add(await EngineView.DuringAsync(server, http, async () =>
                        report.Direct.Add(await ChatCompletionStream.RunAsync(http, direct, null, server.Alias, Prompt(round, "direct"), answerTokens)))),
                };
                if (webChat is not null && page is not null)
                {
                    sides.Add(async () => report.ApiEngine.Add(await EngineView.DuringAsync(server, http, async () =>
                        report.Api.Add(await ChatCompletionStream.RunAsync(http, webChat.V1, webChat.Key, webChat.ModelId, Prompt(round, "api"), answerTokens)))));
                    sides.Add(async () =>
                    {
                        await ChatPageStream.NewChatAsync(page);
                        try
                        {
                            PageAnswer answer = null!;
                            var engine = await EngineView.DuringAsync(server, http, async () => answer = await ChatPageStream.SendAsync(page, Prompt(round, "page")[0].Content));
                            report.PageEngine.Add(engine);
                            report.Page.Add(new StreamResult(answer.Completed, answer.First, answer.Last, 0, engine.Tokens, null, null, answer.Completed ? null : "answer " + answer.Status));
                            report.PageServer.Add(await webChat.LastAnswerAsync());
                        }
                        catch (PlaywrightException e)
                        {
                            report.Page.Add(new StreamResult(false, 0, 0, 0, null, null, null, e.Message));
                            report.PageEngine.Add(new EngineView(0, 0, 0)); // keeps the rounds' lists aligned
                            report.PageServer.Add(new WebChatView(0, 0));
                        }
                    });
                }

                for (var i = 0; i < sides.Count; i++)
                {
                    await sides[(i + round) % sides.Count]();
                    await Task.Delay(Settle);
                }

                Console.WriteLine($"  direct vs through WebChat: round {round + 1}/{rounds} done");
            }
        }
        finally
        {
            if (webChat is not null)
            {
                await webChat.DisposeAsync();
            }
        }
    }

    private static IReadOnlyList<(string Role, string Content)> Prompt(int round, string side) =>
        [("user", $"Round {round}, {side}: " + LlamaServerPeerBench.Text(300))];

    private static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
}
