using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using WebChat.Bench.Chat;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Tests.Support.FakeEngine;
using WebChat.Tests.Support.Postgres;
using WebChat.Tests.Support.Processes;

namespace WebChat.Bench.Soak;

/// <summary>
/// bench soak --nodes N: the soak's two phases (light users alone, then with one heavy user in 8 conversations) through
/// real nginx in front of N WebChat processes on a throwaway PostgreSQL cluster, then the same on one WebChat process on
/// SQLite for comparison. Every node routes to one shared remote engine (the fake OpenAI server, a pause per token), so
/// the run measures the portal (circuits, database, locks, nginx), not llama.cpp. Reports errors, every started answer
/// and how it was stored, and each node's RSS at start and end. Everything it starts stops with it, on Ctrl+C and
/// SIGTERM too (PostgreSQL's watchdog also on a crash).
/// </summary>
internal static class NodesSoak
{
    public const string ShareRefusal = "your limit";

    private const int InFlightPerNode = 4;
    private const int AnswerTokens = 32;
    private static readonly TimeSpan TokenDelay = TimeSpan.FromMilliseconds(25);

    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        // nginx's configuration (tests/support) pairs two nodes, each the other's backup.
        if (SoakBench.ArgAfter(args, "--nodes") != "2")
        {
            Console.Error.WriteLine("soak --nodes: only 2 is supported (nginx in front of two nodes).");
            return 2;
        }

        const int nodes = 2;
        var minutes = double.Parse(SoakBench.ArgAfter(args, "--minutes") ?? "2", CultureInfo.InvariantCulture);
        var lightUsers = int.Parse(SoakBench.ArgAfter(args, "--light") ?? "16", CultureInfo.InvariantCulture);
        var name = SoakBench.ArgAfter(args, "--out") ?? "soak-nodes";
        if ((PostgresCluster.SkipReason ?? Nginx.SkipReason) is { } missing)
        {
            Console.Error.WriteLine(missing);
            return 2;
        }

        // Ctrl+C and SIGTERM end the run through its own disposals (browser, nginx, nodes, PostgreSQL), not by exiting at once.
        using var stop = new CancellationTokenSource();
        var exitCode = 130;
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            exitCode = signal.Signal == PosixSignal.SIGTERM ? 143 : 130;
            Console.Error.WriteLine($"{signal.Signal}: stopping everything the soak started.");
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            await using var engine = await FakeOpenAiEngine.StartAsync(stop.Token);
            engine.Tokens = [.. Enumerable.Range(0, AnswerTokens).Select(i => i == 0 ? "Once" : $" upon{i}")];
            engine.TokenDelay = TokenDelay;
            var settings = new NodesSoakSettings(minutes, lightUsers, nodes, InFlightPerNode, AnswerTokens, TokenDelay);
            var postgres = await RunSetupAsync($"PostgreSQL, {nodes} nodes behind nginx", nodes, postgres: true, engine, settings, stop.Token);
            var sqlite = await RunSetupAsync("SQLite, one node", 1, postgres: false, engine, settings, stop.Token);
            var report = new NodesSoakReport(DateTime.UtcNow, Environment.ProcessorCount, settings, [postgres, sqlite]);
            await NodesSoakReportWriter.WriteAsync(resultsDirectory, name, report);
            Console.WriteLine(NodesSoakReportWriter.Markdown(report));
            return report.Setups.All(s => s.Errors == 0 && s.Lost == 0) ? 0 : 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("Stopped: nothing of the soak is left running.");
            return exitCode;
        }
    }

    private static async Task<SetupResult> RunSetupAsync(string label, int nodeCount, bool postgres, FakeOpenAiEngine engine, NodesSoakSettings settings, CancellationToken stop)
    {
        Console.WriteLine($"{label}: starting");
        await using var cluster = postgres ? await PostgresCluster.StartAsync(stop) : null;
        var database = cluster is null ? null : await cluster.CreateDatabaseAsync(stop);
        var nodes = new List<AppProcess>();
        Nginx? nginx = null;
        IPlaywright? playwright = null;
        IBrowser? browser = null;
        try
        {
            for (var i = 0; i < nodeCount; i++)
            {
                // One after the other: the first applies the migrations.
                var (node, _) = await AppProcess.StartAsync(NodeSettings(i + 1, engine, database)).WaitAsync(stop);
                nodes.Add(node);
            }

            var addresses = nodes.Select(NodeAddress).ToList();
            // Only what the nodes log once all are up counts: on an empty PostgreSQL database the first node's migration
            // logs EF Core's probe of the not yet created history table as a failed command, which is not the soak's.
            var startupLines = nodes.Select(n => n.Output.Split('\n').Length).ToList();
            await OfferModelAsync(database, nodes[0]);
            nginx = nodeCount > 1 ? await Nginx.StartAsync(addresses[0], addresses[1]).WaitAsync(stop) : null;
            var front = nginx?.BaseAddress ?? addresses[0];
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
            return await SoakAsync(label, nodes, startupLines, addresses[0], front, browser, database, settings, stop).WaitAsync(stop);
        }
        finally
        {
            // Closing the browser first ends the circuits cleanly; then nginx, the nodes, and (by await using) PostgreSQL.
            if (browser is not null)
            {
                await browser.DisposeAsync();
            }

            playwright?.Dispose();
            if (nginx is not null)
            {
                await nginx.DisposeAsync();
            }

            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<SetupResult> SoakAsync(
        string label, List<AppProcess> nodes, List<int> startupLines, Uri firstNode, Uri front, IBrowser browser, string? database, NodesSoakSettings settings, CancellationToken stop)
    {
        var pageErrors = new List<string>();
        var timeout = TimeSpan.FromMinutes(2);
        // The first account is the admin; it is created on a node itself (a loopback browser no proxy forwarded), as an
        // operator does; everyone else comes through the front.
        var admin = await BrowserAccounts.RegisterAsync(browser, firstNode, "admin@bench.test", timeout);
        await admin.Context.CloseAsync();
        Cookie[] On(int node) => [new() { Name = Nginx.NodeCookie, Value = node.ToString(CultureInfo.InvariantCulture), Domain = "127.0.0.1", Path = "/" }];
        var light = new List<IPage>();
        for (var i = 0; i < settings.LightUsers; i++)
        {
            stop.ThrowIfCancellationRequested();
            light.Add(await BrowserAccounts.RegisterAsync(browser, front, $"light{i}@bench.test", timeout, page => SoakBench.Watch(page, pageErrors), On(1 + (i % nodes.Count))));
        }

        var heavyFirst = await BrowserAccounts.RegisterAsync(browser, front, "heavy@bench.test", timeout, page => SoakBench.Watch(page, pageErrors), On(nodes.Count));
        var heavy = new List<IPage> { heavyFirst };
        for (var i = 1; i < 8; i++)
        {
            heavy.Add(await SoakBench.AnotherTabAsync(heavyFirst, pageErrors));
        }

        Console.WriteLine($"{label}: {light.Count} light users and one heavy user in {heavy.Count} tabs signed in; warming up");
        await Task.WhenAll(light.Concat(heavy).Select(page => SoakBench.SendAsync(page, "Warm up")));
        var rssStart = nodes.Select(n => n.Rss).ToList();
        var phase = TimeSpan.FromMinutes(settings.Minutes / 2);
        var aloneStarted = DateTime.UtcNow;
        var alone = await SoakBench.RunPhaseAsync(light, [], phase);
        var sharedStarted = DateTime.UtcNow;
        var shared = await SoakBench.RunPhaseAsync(light, heavy, phase);
        var rssEnd = nodes.Select(n => n.Rss).ToList();
        await using var db = Open(database, nodes[0]);
        var answers = await db.Messages.AsNoTracking()
            .Where(m => m.Role == MessageRole.Assistant)
            .Select(m => new StoredAnswer(m.CreatedAt, m.Status, m.Error, m.TimeToFirstTokenMs, db.Users.Where(u => u.Id == m.Conversation!.UserId).Select(u => u.Email).First()!))
            .ToListAsync(stop);
        var nodeErrors = nodes.SelectMany((n, i) => ErrorEntries(n.Output, startupLines[i]).Select(e => $"node {i + 1}: {e}")).ToList();
        Console.WriteLine($"{label}: done");
        return SetupResult.From(label, nodes.Count, alone, shared, answers, aloneStarted, sharedStarted, rssStart, rssEnd, pageErrors, nodeErrors);
    }

    // The console logger writes "fail: Category[id]" and the message on the lines below it.
    private static IEnumerable<string> ErrorEntries(string output, int skipLines)
    {
        var lines = output.Split('\n');
        for (var i = skipLines; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("fail:", StringComparison.Ordinal) || lines[i].StartsWith("crit:", StringComparison.Ordinal))
            {
                yield return string.Join(" ", lines.Skip(i).Take(3).Select(l => l.Trim()));
            }
        }
    }

    private static Uri NodeAddress(AppProcess node) =>
        new(System.Text.RegularExpressions.Regex.Match(node.Output, @"Now listening on: (\S+)").Groups[1].Value.TrimEnd('/') + "/");

    private static Dictionary<string, string> NodeSettings(int node, FakeOpenAiEngine engine, string? database)
    {
        var settings = new Dictionary<string, string>
        {
            ["WebChat:NodeName"] = $"node-{node}", // all run on this machine, whose name would otherwise be every node's
            ["Engines:Local:Enabled"] = "false",
            ["Engines:Remote:0:Name"] = "shared",
            ["Engines:Remote:0:BaseUrl"] = engine.BaseUrl,
            // Each node lets 4 answers at once reach the engine, like the in-process soak's 4 sequences; more wait in its fair queue.
            ["Engines:MaxInFlightPerReplica"] = InFlightPerNode.ToString(CultureInfo.InvariantCulture),
            ["WebChat:StarterModel:Repo"] = "",
            // Every browser comes from 127.0.0.1: the sign-in and account-creation limits are for attackers, not this.
            ["WebChat:Security:AttemptsPerAddress"] = "1000000",
            ["WebChat:Security:AttemptsPerAccount"] = "1000000",
            ["WebChat:Security:AccountsPerAddressPerHour"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information", // "Now listening on: ..." says a node is up
            ["Logging:LogLevel:Polly"] = "None",
        };
        if (database is not null)
        {
            settings["Database:Provider"] = "Postgres";
            settings["ConnectionStrings:WebChat"] = database;
        }

        return settings;
    }

    private static WebChatDbContext Open(string? database, AppProcess firstNode) => database is null
        ? new WebChatDbContext(new DbContextOptionsBuilder<WebChatDbContext>().UseSqlite($"Data Source={Path.Combine(firstNode.DataDirectory, "webchat.db")}").Options)
        : new PostgresWebChatDbContext(new DbContextOptionsBuilder<PostgresWebChatDbContext>().UseNpgsql(database).Options);

    // An admin's choice on the Library page: the shared engine's model is offered to users.
    private static async Task OfferModelAsync(string? database, AppProcess firstNode)
    {
        await using var db = Open(database, firstNode);
        await db.Database.ExecuteSqlRawAsync("INSERT INTO \"RemoteModelSettings\" (\"ModelName\", \"UserSelectable\") VALUES ({0}, true)", "fake-model");
    }
}

/// <summary>One assistant message as the database holds it after the run.</summary>
internal sealed record StoredAnswer(DateTime CreatedAt, MessageStatus Status, string? Error, double? TimeToFirstTokenMs, string Email);
