using System.Globalization;
using System.Text;
using System.Text.Json;
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
internal static class ChatBench
{
    // Tokens that can arrive while the page is still switching to the new conversation (navigation, DB reads).
    private const int SettleTokens = 5;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private const string RecordLatencies = """
        () => {
          window.__lat = [];
          let seen = 0;
          const list = document.querySelector("[data-testid=message-list]");
          new MutationObserver(() => {
            const live = document.querySelector("[data-testid=live-answer]");
            if (!live) return;
            const stamps = live.textContent.match(/t\d+\.\d+/g) || [];
            const now = performance.timeOrigin + performance.now();
            for (; seen < stamps.length; seen++) window.__lat.push(now - parseFloat(stamps[seen].slice(1)));
          }).observe(list, { subtree: true, childList: true, characterData: true });
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
        await StreamAsync(pages[..1]); // warm-up: JIT, first circuit renders
        var (one, oneLag) = await WithServerLagAsync(() => StreamAsync(pages[..1]));
        var (four, fourLag) = await WithServerLagAsync(() => StreamAsync(pages));

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
            20,
            app.Services.GetRequiredService<IOptions<ChatOptions>>().Value.RenderInterval.TotalMilliseconds,
            Latency.Of([.. one.SelectMany(l => l)]),
            Latency.Of([.. four.SelectMany(l => l)]),
            Latency.Of([.. one.SelectMany(l => l.Skip(SettleTokens))]),
            Latency.Of([.. four.SelectMany(l => l.Skip(SettleTokens))]),
            Latency.Of(oneLag),
            Latency.Of(fourLag),
            shortCost,
            longRun,
            longRun.PerTokenMs / shortCost.PerTokenMs);
        await WriteAsync(resultsDirectory, report, quick);
        Directory.Delete(data, recursive: true);
        return 0;
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

    /// <summary>Sends one question on every page at once; returns every token's latency in milliseconds, in order per page.</summary>
    private static async Task<List<double[]>> StreamAsync(IEnumerable<IPage> pages)
    {
        var all = await Task.WhenAll(pages.Select(async page =>
        {
            await NewChatAsync(page);
            await page.EvaluateAsync(RecordLatencies);
            await SendAsync(page, "Measure me");
            await WaitForAnswerAsync(page);
            return await page.EvaluateAsync<double[]>("() => window.__lat");
        }));
        return [.. all];
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
        await SendAsync(page, "Write a long answer");
        await WaitForAnswerAsync(page);
        var values = renders.Values;
        return new RenderCost(tokens, values.Count, values.Sum());
    }

    private static async Task NewChatAsync(IPage page)
    {
        await page.GetByTestId("new-chat").ClickAsync();
        await page.WaitForURLAsync("**/chat");
    }

    private static async Task SendAsync(IPage page, string text)
    {
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });
        await composer.FillAsync(text);
        await composer.PressAsync("Enter");
        await page.WaitForURLAsync("**/chat/*");
    }

    private static async Task WaitForAnswerAsync(IPage page) =>
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 120_000 });

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
            .AppendLine(CultureInfo.InvariantCulture, $"Token-to-DOM latency in Chromium (server time a token left the engine → the page's MutationObserver saw it; scripted engine, {report.TokensPerStream} tokens per stream, one every {report.TokenIntervalMs} ms; renders coalesced to ≥{report.RenderIntervalMs} ms apart):")
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
    int TokenIntervalMs,
    double RenderIntervalMs,
    Latency OneStream,
    Latency FourStreams,
    Latency OneStreamSteady,
    Latency FourStreamsSteady,
    Latency OneStreamServerLag,
    Latency FourStreamsServerLag,
    RenderCost ShortAnswer,
    RenderCost LongAnswer,
    double LongOverShort);
