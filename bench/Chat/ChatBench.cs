using System.Diagnostics;
using System.Globalization;
using System.Runtime;
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

    // Rounds of four streams warm the server up until two in a row make the JIT compile fewer methods than this.
    private const int WarmUpSettledBelow = 100;

    // The gap between two tabs' sends in the staggered rounds: people do not press Enter in the same instant.
    private static readonly TimeSpan Stagger = TimeSpan.FromMilliseconds(250);

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
            pages.Add(await BrowserAccounts.RegisterAsync(browser, app.BaseAddress, $"bench{i}@bench.test", TimeSpan.FromSeconds(60)));
        }

        var tokens = quick ? 60 : 150;
        engine.Script = _ => TimestampTokens(tokens);
        var cold = await StreamAsync(pages);
        var warmUp = await WarmUpAsync(pages, maxRounds: quick ? 8 : 20);
        var jitBefore = JitInfo.GetCompiledMethodCount();
        var rounds = quick ? 1 : 5;
        var (one, oneLag) = await WithServerLagAsync(() => StreamRoundsAsync(pages[..1], rounds));
        var cpuBefore = ProcessCpu.Snapshot();
        var fourStarted = Stopwatch.GetTimestamp();
        var (four, fourLag) = await WithServerLagAsync(() => StreamRoundsAsync(pages, rounds));
        var fourCpu = CpuUses(ProcessCpu.Since(cpuBefore), Stopwatch.GetElapsedTime(fourStarted), Pooled(four).Count);
        var staggered = await StreamRoundsAsync(pages, rounds, Stagger);
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
            Latency.Of(Pooled(one)),
            Latency.Of(Pooled(four)),
            Latency.Of(Pooled(one, SettleTokens)),
            Latency.Of(Pooled(four, SettleTokens)),
            [.. four.Select(round => Latency.Of(Pooled([round])).P95)],
            SettleTokens,
            Stagger.TotalMilliseconds,
            Latency.Of(Pooled(staggered)),
            fourCpu,
            Latency.Of(oneLag),
            Latency.Of(fourLag),
            Latency.Of([.. cold.SelectMany(l => l)]),
            warmUp,
            WarmUpSettledBelow,
            jitDuringMeasurement,
            shortCost,
            longRun,
            longRun.PerTokenMs / shortCost.PerTokenMs);
        await ChatBenchReportWriter.WriteAsync(resultsDirectory, report, quick);
        Directory.Delete(data, recursive: true);
        return 0;
    }

    /// <summary>
    /// A server that has run for a while has its hot code compiled at full optimisation; one just started spends
    /// a core on the .NET JIT's tier-up for a minute or more. A method is promoted only after about 30 calls at
    /// each tier, and much of a send's code runs once per send, so a few rounds are not enough: rounds of four
    /// streams, each followed by a pause until the JIT goes quiet, run until two rounds in a row compile fewer
    /// than <see cref="WarmUpSettledBelow"/> methods.
    /// </summary>
    private static async Task<IReadOnlyList<long>> WarmUpAsync(IReadOnlyList<IPage> pages, int maxRounds)
    {
        var compiledPerRound = new List<long>();
        while (compiledPerRound.Count < maxRounds && !HasSettled(compiledPerRound))
        {
            var before = JitInfo.GetCompiledMethodCount();
            await StreamAsync(pages);
            await WaitForJitToGoQuietAsync();
            compiledPerRound.Add(JitInfo.GetCompiledMethodCount() - before);
        }

        return compiledPerRound;
    }

    private static bool HasSettled(List<long> compiledPerRound) =>
        compiledPerRound.Count >= 2 && compiledPerRound[^2..].All(compiled => compiled < WarmUpSettledBelow);

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

    /// <summary>
    /// Opens a new chat on every page, then sends one question on every page at once (or <paramref name="stagger"/>
    /// apart, in page order); returns every token's latency in milliseconds, in order per page. The question is typed and sent by a script in the page (the
    /// same input and Enter events a person's typing makes), not by Playwright actions: those wait for each element
    /// to be visible, stable over animation frames and hit-testable, work a person's browser never does, and four
    /// tabs doing it at once take the two cores from each other's streams.
    /// </summary>
    private static async Task<List<double[]>> StreamAsync(IReadOnlyList<IPage> pages, TimeSpan stagger = default)
    {
        await Task.WhenAll(pages.Select(NewChatAsync));
        var all = await Task.WhenAll(pages.Select(async (page, index) =>
        {
            await page.EvaluateAsync(RecordLatencies);
            await Task.Delay(stagger * index);
            await SendAndWaitForAnswerAsync(page, "Measure me");
            return await page.EvaluateAsync<double[]>("() => window.__lat");
        }));
        return [.. all];
    }

    /// <summary>Several rounds of <see cref="StreamAsync"/>, pooled: one round's p95 rests on its 30 slowest tokens.</summary>
    private static async Task<List<List<double[]>>> StreamRoundsAsync(IReadOnlyList<IPage> pages, int rounds, TimeSpan stagger = default)
    {
        var all = new List<List<double[]>>();
        for (var round = 0; round < rounds; round++)
        {
            all.Add(await StreamAsync(pages, stagger));
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

    /// <summary>Every token's latency over all rounds and pages, leaving out each stream's first <paramref name="skip"/>.</summary>
    private static List<double> Pooled(List<List<double[]>> rounds, int skip = 0) =>
        [.. rounds.SelectMany(round => round).SelectMany(stream => stream.Skip(skip))];

    private static List<CpuUse> CpuUses(Dictionary<string, double> cpuMs, TimeSpan wall, int tokens) =>
        [.. cpuMs.Where(p => p.Value > 0).OrderByDescending(p => p.Value)
            .Select(p => new CpuUse(p.Key, p.Value / tokens, p.Value / (wall.TotalMilliseconds * Environment.ProcessorCount)))];

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
}
