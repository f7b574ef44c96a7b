using System.Globalization;
using System.Runtime;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using WebChat.Services.Chat;
using WebChat.Tests.Support.Chat;
using WebChat.Tests.Support.Metrics;

namespace WebChat.Bench.Chat;

/// <summary>
/// bench chat: (1) token-to-DOM latency in Chromium with 1 and 4 concurrent streams: each token carries the server
/// time it left the engine and the page records when it appeared; (2) server render time per token for a
/// 4,000-token Markdown answer vs a 100-token one (LiveAnswer's render histogram). The engine is the scripted
/// test double at a fixed pace, so the numbers are the app's (circuit, coalescing, Markdown, DOM), not a model's.
/// </summary>
internal static partial class ChatBench
{
    // Tokens that can arrive while the page is still switching to the new conversation (navigation, DB reads).
    private const int SettleTokens = 5;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    // Types the question, presses Enter and resolves when the answer is stored as complete.
    private const string SendAndWaitForAnswer = """
        text => new Promise(resolve => {
          const list = document.querySelector("[data-testid=message-list]");
          const done = () => {
            const messages = list.querySelectorAll("[data-testid=message]");
            const last = messages[messages.length - 1];
            return last?.dataset.role === "Assistant" && last.dataset.status === "Complete";
          };
          const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); resolve(); } });
          observer.observe(list, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
          const composer = document.querySelector("textarea[data-enter-sends]");
          composer.value = text;
          composer.dispatchEvent(new Event("input", { bubbles: true }));
          composer.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
        })
        """;

    private const string RecordLatencies = """
        () => {
          window.__lat = [];
          let seen = 0;
          const list = document.querySelector("[data-testid=message-list]");
          window.__latObserver?.disconnect(); // the list element outlives a conversation: one observer per stream
          window.__latObserver = new MutationObserver(() => {
            const live = document.querySelector("[data-testid=live-answer]");
            if (!live) return;
            const stamps = live.textContent.match(/t\d+\.\d+/g) || [];
            const now = performance.timeOrigin + performance.now();
            for (; seen < stamps.length; seen++) window.__lat.push(now - parseFloat(stamps[seen].slice(1)));
          });
          window.__latObserver.observe(list, { subtree: true, childList: true, characterData: true });
        }
        """;

    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        var quick = args.Contains("--quick");
        var engine = new ScriptedInferenceEngine { TokenDelay = TimeSpan.FromMilliseconds(20) };
        var data = Path.Combine(Path.GetTempPath(), "webchat-bench-chat-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        await using var app = BenchApp.Start(data, engine);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        var pages = new List<IPage>();
        for (var i = 0; i < 4; i++)
        {
            pages.Add(await SignedInPageAsync(browser, app.BaseAddress, $"bench{i}@bench.test"));
        }

        var tokens = quick ? 60 : 150;
        engine.Script = _ => TimestampTokens(tokens);
        var cold = await StreamAsync(pages);
        var warmUp = await WarmUpAsync(pages, quick ? 2 : 5);
        var jitBefore = JitInfo.GetCompiledMethodCount();
        var rounds = quick ? 1 : 3;
        var (one, oneLag) = await WithServerLagAsync(() => StreamRoundsAsync(pages[..1], rounds));
        var (four, fourLag) = await WithServerLagAsync(() => StreamRoundsAsync(pages, rounds));
        var jitDuringMeasurement = JitInfo.GetCompiledMethodCount() - jitBefore;

        engine.TokenDelay = TimeSpan.FromMilliseconds(2);
        var shortAnswer = MarkdownTokens(100);
        var longAnswer = MarkdownTokens(quick ? 1000 : 4000);
        engine.Script = _ => shortAnswer;
        var shortRuns = new List<RenderCost>();
        for (var run = 0; run < (quick ? 3 : 10); run++)
        {
            shortRuns.Add(await MeasureRenderAsync(pages[0], shortAnswer.Count));
        }

        engine.Script = _ => longAnswer;
        var longRun = await MeasureRenderAsync(pages[0], longAnswer.Count);
        var shortCost = new RenderCost(shortRuns.Sum(r => r.Tokens), shortRuns.Sum(r => r.Renders), shortRuns.Sum(r => r.TotalMs));

        var report = new ChatBenchReport(
            DateTime.UtcNow,
            Environment.ProcessorCount,
            tokens,
            rounds,
            20,
            app.Services.GetRequiredService<IOptions<ChatOptions>>().Value.RenderInterval.TotalMilliseconds,
            Latency.Of([.. one.SelectMany(r => r).SelectMany(l => l)]),
            Latency.Of([.. four.SelectMany(r => r).SelectMany(l => l)]),
            Latency.Of([.. one.SelectMany(r => r).SelectMany(l => l.Skip(SettleTokens))]),
            Latency.Of([.. four.SelectMany(r => r).SelectMany(l => l.Skip(SettleTokens))]),
            [.. four.Select(r => Latency.Of([.. r.SelectMany(l => l)]).P95)],
            Latency.Of(oneLag),
            Latency.Of(fourLag),
            Latency.Of([.. cold.SelectMany(l => l)]),
            warmUp,
            jitDuringMeasurement,
            shortCost,
            longRun,
            longRun.PerTokenMs / shortCost.PerTokenMs);
        await WriteAsync(resultsDirectory, report, quick);
        Directory.Delete(data, recursive: true);
        return 0;
    }

    /// <summary>
    /// A server that has run for a while has its hot code compiled at full optimisation; one just started spends
    /// a core on the .NET JIT's tier-up for a minute or more. Rounds of four streams, each followed by a pause
    /// until the JIT goes quiet, bring the app to that steady state before anything is measured.
    /// </summary>
    private static async Task<IReadOnlyList<long>> WarmUpAsync(IReadOnlyList<IPage> pages, int rounds)
    {
        var compiledPerRound = new List<long>();
        for (var round = 0; round < rounds; round++)
        {
            var before = JitInfo.GetCompiledMethodCount();
            await StreamAsync(pages);
            await WaitForJitToGoQuietAsync();
            compiledPerRound.Add(JitInfo.GetCompiledMethodCount() - before);
        }

        return compiledPerRound;
    }

    private static async Task WaitForJitToGoQuietAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var previous = JitInfo.GetCompiledMethodCount();
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            var now = JitInfo.GetCompiledMethodCount();
            if (now - previous <= 2)
            {
                return;
            }

            previous = now;
        }
    }

    private static async Task<IPage> SignedInPageAsync(IBrowser browser, Uri baseAddress, string email)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString() });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("Account/Register");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(BenchApp.Password);
        await page.GetByLabel("Confirm password").FillAsync(BenchApp.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await page.WaitForURLAsync("**/chat");
        await page.Locator("[data-interactive='true']").WaitForAsync();
        return page;
    }

    /// <summary>
    /// Opens a new chat on every page, then sends one question on every page at once; returns every token's
    /// latency in milliseconds, in order per page. The question is typed and sent by a script in the page (the
    /// same input and Enter events a person's typing makes), not by Playwright actions: those wait for each element
    /// to be visible, stable over animation frames and hit-testable, work a person's browser never does, and four
    /// tabs doing it at once take the two cores from each other's streams.
    /// </summary>
    private static async Task<List<double[]>> StreamAsync(IReadOnlyList<IPage> pages)
    {
        await Task.WhenAll(pages.Select(NewChatAsync));
        var all = await Task.WhenAll(pages.Select(async page =>
        {
            await page.EvaluateAsync(RecordLatencies);
            await SendAndWaitForAnswerAsync(page, "Measure me");
            return await page.EvaluateAsync<double[]>("() => window.__lat");
        }));
        return [.. all];
    }

    /// <summary>Several rounds of <see cref="StreamAsync"/>, pooled: one round's p95 rests on its 30 slowest tokens.</summary>
    private static async Task<List<List<double[]>>> StreamRoundsAsync(IReadOnlyList<IPage> pages, int rounds)
    {
        var all = new List<List<double[]>>();
        for (var round = 0; round < rounds; round++)
        {
            all.Add(await StreamAsync(pages));
        }

        return all;
    }

    /// <summary>Runs a phase while recording the server's share of each render's latency (text arriving → render handed to the circuit).</summary>
    private static async Task<(T Result, IReadOnlyList<double> Lag)> WithServerLagAsync<T>(Func<Task<T>> phase)
    {
        using var lag = new HistogramRecorder(ChatMetrics.LiveRenderLagMilliseconds);
        var result = await phase();
        return (result, lag.Values);
    }

    private static async Task<RenderCost> MeasureRenderAsync(IPage page, int tokens)
    {
        using var renders = new HistogramRecorder(ChatMetrics.LiveRenderMilliseconds);
        await NewChatAsync(page);
        await SendAndWaitForAnswerAsync(page, "Write a long answer");
        var values = renders.Values;
        return new RenderCost(tokens, values.Count, values.Sum());
    }

    private static async Task NewChatAsync(IPage page)
    {
        await page.GetByTestId("new-chat").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(NewChatAddress());
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(0);
    }

    private static async Task SendAndWaitForAnswerAsync(IPage page, string text) =>
        await page.EvaluateAsync(SendAndWaitForAnswer, text).WaitAsync(TimeSpan.FromMinutes(2));

    [GeneratedRegex("/chat$")]
    private static partial Regex NewChatAddress();

    private static IEnumerable<string> TimestampTokens(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var clock = DateTimeOffset.UtcNow;
            var now = clock.ToUnixTimeMilliseconds() + clock.Ticks % TimeSpan.TicksPerMillisecond / (double)TimeSpan.TicksPerMillisecond;
            yield return string.Create(CultureInfo.InvariantCulture, $" t{now:F3}");
        }
    }

    /// <summary>A realistic answer: paragraphs, a list, a code block and a table, repeated, cut into ~4-character tokens.</summary>
    private static List<string> MarkdownTokens(int count)
    {
        const string Section = """
            Here is how the **scheduler** works, step by step, with `one loop` that owns the native state.

            - Requests arrive through a bounded channel.
            - Each request gets its own output channel.
            - Cancellation is a flag checked between steps.

            ```csharp
            while (await reader.WaitToReadAsync(token))
            {
                var request = await reader.ReadAsync(token);
                Schedule(request);
            }
            ```

            | Setting | Default | Meaning |
            |---|---:|---|
            | QueueLimit | 32 | waiting requests |
            | KeepAlive | 30 min | idle unload |


            """;
        var tokens = new List<string>();
        while (tokens.Count < count)
        {
            for (var i = 0; i < Section.Length && tokens.Count < count; i += 4)
            {
                tokens.Add(Section.Substring(i, Math.Min(4, Section.Length - i)));
            }
        }

        return tokens;
    }

    private static async Task WriteAsync(string directory, ChatBenchReport report, bool quick)
    {
        Directory.CreateDirectory(directory);
        var name = quick ? "chat-quick" : "chat";
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(report, Json));
        var md = new StringBuilder()
            .AppendLine("# Chat streaming benchmark")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench -- chat{(quick ? " --quick" : "")}` · {report.Cores} cores · {report.RunAt:u}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Token-to-DOM latency in Chromium (server time a token left the engine → the page's MutationObserver saw it; scripted engine, {report.Rounds} rounds of {report.TokensPerStream} tokens per stream, one every {report.TokenIntervalMs} ms; renders coalesced to ≥{report.RenderIntervalMs} ms apart):")
            .AppendLine()
            .AppendLine("| streams | tokens counted | p50 ms | p95 ms | p99 ms | max ms | goal p95 ≤ 50 ms |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var (streams, latency) in new[]
        {
            ("1, every token", report.OneStream), ("4, every token", report.FourStreams),
            ($"1, after the first {SettleTokens}", report.OneStreamSteady), ($"4, after the first {SettleTokens}", report.FourStreamsSteady),
        })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {streams} | {latency.Count} | {latency.P50:F1} | {latency.P95:F1} | {latency.P99:F1} | {latency.Max:F1} | {(latency.P95 <= 50 ? "met" : "missed")} |");
        }

        var cold = report.FourStreamsCold;
        md.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"4 streams, p95 of each round on its own: {string.Join(", ", report.FourStreamsP95PerRound.Select(p => p.ToString("F1", CultureInfo.InvariantCulture)))} ms.")
            .AppendLine(CultureInfo.InvariantCulture, $"Measured on a warmed-up server: {report.WarmUpMethodsCompiled.Count} rounds of 4 streams ran first, each followed by a pause until the .NET JIT went quiet. The JIT compiled {string.Join(", ", report.WarmUpMethodsCompiled)} methods in those rounds and {report.MethodsCompiledWhileMeasuring} while the table above was measured.")
            .AppendLine(CultureInfo.InvariantCulture, $"For comparison, the first 4 streams after start (cold, before the warm-up, JIT tier-up still running): p50 {cold.P50:F1} ms, p95 {cold.P95:F1} ms, p99 {cold.P99:F1} ms, max {cold.Max:F1} ms over {cold.Count} tokens.");

        md.AppendLine()
            .AppendLine("The server's share: from text reaching the server to the render that shows it being handed to the circuit (coalescing wait, dispatcher queue, render), per render:")
            .AppendLine()
            .AppendLine("| streams | renders | p50 ms | p95 ms | p99 ms | max ms |")
            .AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (streams, lag) in new[] { ("1", report.OneStreamServerLag), ("4", report.FourStreamsServerLag) })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {streams} | {lag.Count} | {lag.P50:F1} | {lag.P95:F1} | {lag.P99:F1} | {lag.Max:F1} |");
        }

        md.AppendLine()
            .AppendLine("Server render time of the streaming answer (LiveAnswer: catch up the text, Markdown of the open tail, diff), Markdown with lists, code and tables:")
            .AppendLine()
            .AppendLine("| answer | tokens | renders | total ms | ms per token | ms per render |")
            .AppendLine("|---|---:|---:|---:|---:|---:|")
            .AppendLine(CultureInfo.InvariantCulture, $"| short (100 tokens, all runs) | {report.ShortAnswer.Tokens} | {report.ShortAnswer.Renders} | {report.ShortAnswer.TotalMs:F1} | {report.ShortAnswer.PerTokenMs:F4} | {report.ShortAnswer.PerRenderMs:F3} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| long | {report.LongAnswer.Tokens} | {report.LongAnswer.Renders} | {report.LongAnswer.TotalMs:F1} | {report.LongAnswer.PerTokenMs:F4} | {report.LongAnswer.PerRenderMs:F3} |")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Per-token render time, long ÷ short: **{report.LongOverShort:F2}x** (goal ≤ 2x: {(report.LongOverShort <= 2 ? "met" : "missed")}).");
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".md"), md.ToString());
        Console.WriteLine(md.ToString());
    }
}

internal sealed record RenderCost(int Tokens, int Renders, double TotalMs)
{
    public double PerTokenMs => Tokens == 0 ? 0 : TotalMs / Tokens;
    public double PerRenderMs => Renders == 0 ? 0 : TotalMs / Renders;
}

internal sealed record Latency(int Count, double P50, double P95, double P99, double Max)
{
    public static Latency Of(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Latency(sorted.Length, At(0.50), At(0.95), At(0.99), sorted.LastOrDefault());
    }
}

internal sealed record ChatBenchReport(
    DateTime RunAt,
    int Cores,
    int TokensPerStream,
    int Rounds,
    int TokenIntervalMs,
    double RenderIntervalMs,
    Latency OneStream,
    Latency FourStreams,
    Latency OneStreamSteady,
    Latency FourStreamsSteady,
    IReadOnlyList<double> FourStreamsP95PerRound,
    Latency OneStreamServerLag,
    Latency FourStreamsServerLag,
    Latency FourStreamsCold,
    IReadOnlyList<long> WarmUpMethodsCompiled,
    long MethodsCompiledWhileMeasuring,
    RenderCost ShortAnswer,
    RenderCost LongAnswer,
    double LongOverShort);
