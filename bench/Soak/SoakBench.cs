using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using WebChat.Bench.Chat;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Catalog;
using WebChat.Engine.Inference;
using WebChat.Engine.Inference.Native;
using WebChat.Tests.Support.Models;

namespace WebChat.Bench.Soak;

/// <summary>
/// bench soak: many people chatting at once in headless Chromium (real browser sessions over real circuits) against
/// the real engine on the generated tiny model. Phase 1: the light users alone. Phase 2: the same light users plus
/// one heavy user sending in 8 conversations at once, without pause. Reports errors, complete answers, the queue's
/// peak, server RSS, and the light users' time to first token (as the engine measured it, queue wait included).
/// </summary>
internal static class SoakBench
{
    public const string Command = "soak";

    private const int Sequences = 4;
    private const int HeavyConversations = 8;

    // Sends a question the way typing does and resolves with the answer's final status (Complete, Failed, Stopped).
    // The answer is found after the user's own message (its text is unique in the tab), never by counting answers:
    // a count taken while "New chat" was still rendering belonged to the old conversation and never grew, which left
    // a few sends of the first soak waiting for an answer the database shows complete.
    private const string SendAndWait = """
        text => new Promise(resolve => {
          const final = () => {
            const messages = [...document.querySelectorAll("[data-testid=message-list] [data-testid=message]")];
            const mine = messages.findLastIndex(m => m.dataset.role === "User" && m.textContent.includes(text));
            const answer = mine < 0 ? null : messages.slice(mine + 1).find(m => m.dataset.role === "Assistant");
            return answer && answer.dataset.status !== "Streaming" ? answer.dataset.status : null;
          };
          const observer = new MutationObserver(() => { const status = final(); if (status) { observer.disconnect(); resolve(status); } });
          observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
          const composer = document.querySelector("textarea[data-enter-sends]");
          composer.value = text;
          composer.dispatchEvent(new Event("input", { bubbles: true }));
          composer.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
        })
        """;

    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        var minutes = double.Parse(ArgAfter(args, "--minutes") ?? "5", System.Globalization.CultureInfo.InvariantCulture);
        var lightUsers = int.Parse(ArgAfter(args, "--light") ?? "24", System.Globalization.CultureInfo.InvariantCulture);
        var name = ArgAfter(args, "--out") ?? "soak";
        var phase = TimeSpan.FromMinutes(minutes / 2);
        var data = Path.Combine(Path.GetTempPath(), "webchat-bench-soak-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        await using var engine = new InferenceEngine(
            new LlamaBackendLoader(new EstimatorFitCheck(new SystemMemoryReader()), Options.Create(new InferenceOptions()), NativeLibrarySelection.Create(new InferenceOptions(), NullLoggerFactory.Instance)),
            Options.Create(new InferenceOptions { KeepAlive = null }), TimeProvider.System, NullLoggerFactory.Instance);
        await engine.LoadAsync(new ModelLoadOptions { ModelPath = TestModels.Tiny, ParallelSequences = Sequences, ContextPerSequence = 1024, Threads = 2 });
        var queue = new QueueWatch(engine);
        await using var app = BenchApp.Start(data, engine, new Dictionary<string, string?>
        {
            ["WebChat:Chat:DefaultMaxTokens"] = "48",
            ["WebChat:StarterModel:Repo"] = "",
            ["Logging:LogLevel:Polly"] = "None",
            ["DetailedErrors"] = "true", // a page error then carries the server's exception, not "turn on detailed exceptions"
        });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        var pageErrors = new List<string>();
        var light = new List<IPage>();
        for (var i = 0; i < lightUsers; i++)
        {
            light.Add(await BrowserAccounts.RegisterAsync(browser, app.BaseAddress, $"light{i}@bench.test", TimeSpan.FromMinutes(2), page => Watch(page, pageErrors)));
        }

        var heavyFirst = await BrowserAccounts.RegisterAsync(browser, app.BaseAddress, "heavy@bench.test", TimeSpan.FromMinutes(2), page => Watch(page, pageErrors));
        var heavy = new List<IPage> { heavyFirst };
        for (var i = 1; i < HeavyConversations; i++)
        {
            heavy.Add(await AnotherTabAsync(heavyFirst, pageErrors));
        }

        // Warm-up: every tab sends once, so the JIT and the first circuits are not measured.
        await Task.WhenAll(light.Concat(heavy).Select(page => SendAsync(page, "Warm up")));
        var liveStart = LiveManagedBytes();
        var rssStart = Rss();
        using var memory = new MemorySampler(TimeSpan.FromSeconds(30));
        var aloneStarted = DateTime.UtcNow;
        queue.Reset();
        var alone = await RunPhaseAsync(light, [], phase);
        var aloneQueue = queue.Peak;
        var sharedStarted = DateTime.UtcNow;
        queue.Reset();
        var shared = await RunPhaseAsync(light, heavy, phase);
        var sharedQueue = queue.Peak;
        var liveEnd = LiveManagedBytes();
        var rssEnd = Rss();
        memory.Dispose();

        var stats = await StatsAsync(app.Services, aloneStarted, sharedStarted);
        var report = new SoakReport(
            DateTime.UtcNow, Environment.ProcessorCount, minutes, lightUsers, HeavyConversations, Sequences,
            new InferenceOptions().MaxRunningPerUser, new InferenceOptions().MaxQueuedPerUser,
            alone, shared, aloneQueue, sharedQueue, rssStart, rssEnd, memory.Samples, liveStart, liveEnd, await StoredAsync(app.Services),
            Latency.Of(stats.LightTtftAlone), Latency.Of(stats.LightTtftShared), stats.LightFailures, stats.StillStreaming, stats.HeavyRefused,
            [.. pageErrors.Distinct().Take(10)], pageErrors.Count);
        await SoakReportWriter.WriteAsync(resultsDirectory, name, report);
        Console.WriteLine(SoakReportWriter.Markdown(report));
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
            // The SQLite file may still be held for a moment; it is a temporary folder.
        }

        return report.Errors == 0 ? 0 : 1;
    }

    internal static string? ArgAfter(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    /// <summary>Light users think 1-3 s between questions; the heavy user's tabs send again at once.</summary>
    internal static async Task<PhaseCounts> RunPhaseAsync(IReadOnlyList<IPage> light, IReadOnlyList<IPage> heavy, TimeSpan duration)
    {
        var end = DateTime.UtcNow + duration;
        var counts = new PhaseCounts();
        async Task LoopAsync(IPage page, bool isHeavy, int seed)
        {
            var random = new Random(seed);
            var turn = 0;
            while (DateTime.UtcNow < end)
            {
                var status = await SendAsync(page, $"Question {++turn} from a {(isHeavy ? "heavy" : "light")} user");
                counts.Count(isHeavy, status);
                if (!isHeavy)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(1000 + random.Next(2000)));
                }
                else if (status != "Complete")
                {
                    await Task.Delay(TimeSpan.FromSeconds(1)); // refused (over their share): a person reads the message and sends again
                }

                // A long conversation is started afresh now and then, as people do.
                if (turn % 6 == 0)
                {
                    await page.GetByTestId("new-chat").ClickAsync();
                    await page.WaitForFunctionAsync("() => location.pathname.endsWith('/chat') && !document.querySelector('[data-testid=message-list] [data-testid=message]')");
                }
            }
        }

        await Task.WhenAll(light.Select((p, i) => LoopAsync(p, false, i)).Concat(heavy.Select((p, i) => LoopAsync(p, true, 1000 + i))));
        return counts;
    }

    internal static async Task<string> SendAsync(IPage page, string text)
    {
        try
        {
            // Enter while the last answer still streams would be a second send the page refuses, not a question.
            await page.GetByTestId("send").WaitForAsync(new() { Timeout = 60_000 });
            return await page.EvaluateAsync<string>(SendAndWait, text).WaitAsync(TimeSpan.FromMinutes(3));
        }
        catch (Exception ex) when (ex is TimeoutException or PlaywrightException)
        {
            Console.Error.WriteLine($"No answer to \"{text}\" on {page.Url}: {ex.GetType().Name} {await ShownErrorAsync(page)}");
            return "NoAnswer";
        }
    }

    private static async Task<string> ShownErrorAsync(IPage page)
    {
        try
        {
            return await page.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('[data-testid=composer-error],[data-testid=chat-error],[data-testid=composer-disabled-reason]')].map(e => e.textContent).join(' | ')");
        }
        catch (PlaywrightException ex)
        {
            return ex.Message;
        }
    }

    private static async Task<SoakStats> StatsAsync(IServiceProvider services, DateTime aloneStarted, DateTime sharedStarted)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var answers = await db.Messages.AsNoTracking()
            .Where(m => m.Role == MessageRole.Assistant && m.CreatedAt >= aloneStarted)
            .Select(m => new { m.CreatedAt, m.Status, m.Error, m.TimeToFirstTokenMs, Email = db.Users.Where(u => u.Id == m.Conversation!.UserId).Select(u => u.Email).First() })
            .ToListAsync();
        var lightAnswers = answers.Where(a => a.Email!.StartsWith("light", StringComparison.Ordinal)).ToList();
        return new SoakStats(
            [.. lightAnswers.Where(a => a.CreatedAt < sharedStarted && a.TimeToFirstTokenMs is not null).Select(a => a.TimeToFirstTokenMs!.Value)],
            [.. lightAnswers.Where(a => a.CreatedAt >= sharedStarted && a.TimeToFirstTokenMs is not null).Select(a => a.TimeToFirstTokenMs!.Value)],
            lightAnswers.Count(a => a.Status == MessageStatus.Failed),
            answers.Count(a => a.Status == MessageStatus.Streaming),
            answers.Count(a => a.Status == MessageStatus.Failed && a.Error?.Contains("your limit", StringComparison.Ordinal) == true));
    }

    // Managed memory still reachable after a full, compacting collection: what a leak would grow, apart from the
    // working set the GC keeps for speed.
    private static long LiveManagedBytes()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static async Task<string> StoredAsync(IServiceProvider services)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return $"{await db.Conversations.CountAsync()} conversations, {await db.Messages.CountAsync()} messages";
    }

    private static long Rss()
    {
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    internal static async Task<IPage> AnotherTabAsync(IPage signedIn, List<string> errors)
    {
        var page = await signedIn.Context.NewPageAsync();
        Watch(page, errors);
        await page.GotoAsync("chat");
        await page.Locator("[data-interactive='true']").WaitForAsync();
        return page;
    }

    internal static void Watch(IPage page, List<string> errors)
    {
        page.PageError += (_, error) => { lock (errors) { errors.Add("page error: " + error); } };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add("console: " + message.Text);
                }
            }
        };
    }

    /// <summary>The engine's peak of waiting and generating requests since the last reset.</summary>
    private sealed class QueueWatch
    {
        private int _queued;
        private int _active;

        public QueueWatch(IInferenceEngine engine) => engine.Subscribe(status =>
        {
            InterlockedMax(ref _queued, status.QueuedRequests);
            InterlockedMax(ref _active, status.ActiveSequences);
        });

        public QueuePeak Peak => new(Volatile.Read(ref _queued), Volatile.Read(ref _active));

        public void Reset()
        {
            Volatile.Write(ref _queued, 0);
            Volatile.Write(ref _active, 0);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }

    private sealed record SoakStats(List<double> LightTtftAlone, List<double> LightTtftShared, int LightFailures, int StillStreaming, int HeavyRefused);
}
