using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using WebChat.Bench.Chat;
using WebChat.Bench.Memory;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Tests.Support.Models;

namespace WebChat.Bench.Api;

/// <summary>
/// bench api-load: the real app and engine on the generated tiny model; 16 API clients stream chat completions back to
/// back for 60 s while 4 browser tabs chat on the chat page. Counts errors, time to first token (API: request sent to
/// first text chunk; chat: Enter to first answer text in the DOM) and the server's RSS at the start and the end.
/// </summary>
internal static class ApiLoadBench
{
    public const string Command = "api-load";
    private const string ModelId = "local/webchat-tiny.gguf";
    private const int AnswerTokens = 32;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    // Enter in the composer, then resolve with the ms until the answer's first text, once the answer is stored complete.
    private const string SendAndTimeFirstText = """
        text => new Promise((resolve, reject) => {
          const list = document.querySelector("[data-testid=message-list]");
          const before = list.querySelectorAll("[data-testid=message]").length;
          const started = performance.now();
          let first = null;
          const check = () => {
            const live = document.querySelector("[data-testid=live-answer]");
            // The queue chip is text too: the first token is text while no chip shows.
            if (first === null && live && !live.querySelector("[data-testid=queue-position]") && live.textContent.trim().length > 0) first = performance.now() - started;
            const messages = list.querySelectorAll("[data-testid=message]");
            const last = messages[messages.length - 1];
            if (messages.length >= before + 2 && last.dataset.role === "Assistant" && last.dataset.status !== "Streaming") {
              observer.disconnect();
              if (last.dataset.status !== "Complete") reject(new Error("answer " + last.dataset.status));
              else resolve(first ?? performance.now() - started);
            }
          };
          const observer = new MutationObserver(check);
          observer.observe(list, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-status"] });
          const composer = document.querySelector("textarea[data-enter-sends]");
          composer.value = text;
          composer.dispatchEvent(new Event("input", { bubbles: true }));
          composer.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
        })
        """;

    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        var duration = TimeSpan.FromSeconds(args.Contains("--quick") ? 15 : 60);
        const int apiClients = 16;
        const int browserChats = 4;
        var data = Path.Combine(Path.GetTempPath(), "webchat-bench-api-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        await using var engineServices = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddWebChatInference(o => o.KeepAlive = null).BuildServiceProvider();
        var engine = engineServices.GetRequiredService<IInferenceEngine>();
        await using var app = BenchApp.Start(data, engine, new Dictionary<string, string?> { ["WebChat:Chat:DefaultMaxTokens"] = AnswerTokens.ToString(CultureInfo.InvariantCulture) });
        var modelPath = await InstallTinyModelAsync(app);
        await engine.LoadAsync(new ModelLoadOptions { ModelPath = modelPath });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        var pages = new List<IPage>();
        for (var i = 0; i < browserChats; i++)
        {
            pages.Add(await BrowserAccounts.RegisterAsync(browser, app.BaseAddress, $"chat{i}@bench.test", TimeSpan.FromMinutes(2)));
        }

        var keys = new List<string>();
        for (var i = 0; i < apiClients; i++)
        {
            keys.Add(await BenchApiKeys.CreateAsync(app, $"api{i}@bench.test"));
        }

        // One short round of each first, so the numbers are not the JIT's.
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseAddress, "v1/"), Timeout = TimeSpan.FromMinutes(2) };
        await StreamOnceAsync(http, keys[0]);
        var warm = await ChatLoopAsync(pages[0], Stopwatch.GetTimestamp());
        if (warm.Errors > 0)
        {
            throw new InvalidOperationException("The warm-up chat failed: " + string.Join(" ", warm.FirstErrors));
        }

        var rssStart = ProcessMemory.Rss;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var apiRuns = keys.Select(key => ApiClientLoopAsync(http, key, until)).ToList();
        var chatRuns = pages.Select(page => ChatLoopAsync(page, until)).ToList();
        var api = (await Task.WhenAll(apiRuns)).Aggregate(Outcomes.Merge);
        var chat = (await Task.WhenAll(chatRuns)).Aggregate(Outcomes.Merge);
        var rssEnd = ProcessMemory.Rss;

        var report = new ApiLoadReport(DateTime.UtcNow, Environment.ProcessorCount, duration.TotalSeconds, apiClients, browserChats, AnswerTokens,
            Row("API (streaming)", api), Row("Chat page", chat), rssStart / (1024.0 * 1024), rssEnd / (1024.0 * 1024));
        await WriteAsync(resultsDirectory, report, args.Contains("--quick"));
        Console.WriteLine(await File.ReadAllTextAsync(Path.Combine(resultsDirectory, args.Contains("--quick") ? "api-load-quick.md" : "api-load.md")));
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
        }

        return api.Errors + chat.Errors == 0 ? 0 : 1;
    }

    private static async Task<Outcomes> ApiClientLoopAsync(HttpClient http, string key, long until)
    {
        var outcomes = new Outcomes();
        while (Stopwatch.GetTimestamp() < until)
        {
            try
            {
                var (firstTextMs, ok) = await StreamOnceAsync(http, key);
                outcomes.Add(ok ? firstTextMs : null);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                outcomes.Add(null, e.Message);
            }
        }

        return outcomes;
    }

    private static async Task<Outcomes> ChatLoopAsync(IPage page, long until)
    {
        var outcomes = new Outcomes();
        do
        {
            try
            {
                await page.GetByTestId("new-chat").ClickAsync();
                await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(0);
                outcomes.Add(await page.EvaluateAsync<double>(SendAndTimeFirstText, "Tell me a story"));
            }
            catch (PlaywrightException e)
            {
                outcomes.Add(null, e.Message);
            }
        }
        while (Stopwatch.GetTimestamp() < until);

        return outcomes;
    }

    /// <summary>One streamed request; ms to the first text chunk, and whether it ended with a finish reason and [DONE].</summary>
    private static async Task<(double FirstTextMs, bool Ok)> StreamOnceAsync(HttpClient http, string key)
    {
        var body = $$"""{"model":"{{ModelId}}","stream":true,"max_tokens":{{AnswerTokens}},"messages":[{"role":"user","content":"Tell me a story"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            return (0, false);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double? firstText = null;
        var finished = false;
        var done = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line[6..];
            if (data == "[DONE]")
            {
                done = true;
                break;
            }

            using var chunk = JsonDocument.Parse(data);
            if (!chunk.RootElement.TryGetProperty("choices", out var choices) || choices.GetArrayLength() == 0)
            {
                finished = false; // an error event
                break;
            }

            var choice = choices[0];
            if (firstText is null && choice.GetProperty("delta").TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 })
            {
                firstText = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            finished |= choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String;
        }

        return (firstText ?? Stopwatch.GetElapsedTime(started).TotalMilliseconds, finished && done);
    }

    private static async Task<string> InstallTinyModelAsync(BenchApp app)
    {
        var options = app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value;
        var target = Path.Combine(options.ModelsDirectory, "local", "webchat-tiny.gguf");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(TestModels.Tiny, target, overwrite: true);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        db.InstalledModels.Add(new InstalledModel
        {
            Id = ModelId, FileName = "webchat-tiny.gguf", RelativePath = "local/webchat-tiny.gguf",
            SizeBytes = new FileInfo(target).Length, Source = ModelSource.Import,
            UserSelectable = true, // the API offers only what the chat offers users (issue 21)
        });
        await db.SaveChangesAsync();
        return target;
    }

    private static LoadRow Row(string name, Outcomes outcomes)
    {
        var latency = Latency.Of(outcomes.FirstTextMs);
        return new LoadRow(name, outcomes.Requests, outcomes.Errors, latency.P50, latency.P95, latency.Max, outcomes.FirstErrors);
    }

    private static async Task WriteAsync(string directory, ApiLoadReport report, bool quick)
    {
        Directory.CreateDirectory(directory);
        var name = quick ? "api-load-quick" : "api-load";
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(report, Indented));
        var md = new StringBuilder()
            .AppendLine("# API load benchmark")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench -- {Command}{(quick ? " --quick" : "")}` · {report.Cores} cores · {report.RunAt:u}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{report.ApiClients} API clients streaming chat completions back to back and {report.BrowserChats} Chromium tabs chatting, for {report.Seconds:F0} s, on the real engine with the generated tiny model (answers of up to {report.AnswerTokens} tokens). Time to first token: API = request sent → first text chunk; chat = Enter → first answer text in the DOM.")
            .AppendLine()
            .AppendLine("| client | requests | errors | TTFT p50 ms | TTFT p95 ms | TTFT max ms |")
            .AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var row in new[] { report.Api, report.Chat })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name} | {row.Requests} | {row.Errors} | {row.P50:F0} | {row.P95:F0} | {row.Max:F0} |");
        }

        md.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Server RSS (the app, engine and model in this process; Chromium is separate): {report.RssStartMiB:F0} MiB at the start, {report.RssEndMiB:F0} MiB at the end.");
        foreach (var error in report.Api.FirstErrors.Concat(report.Chat.FirstErrors))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- error: {error}");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, name + ".md"), md.ToString());
    }

    private sealed class Outcomes
    {
        public List<double> FirstTextMs { get; } = [];
        public List<string> FirstErrors { get; } = [];
        public int Requests { get; private set; }
        public int Errors { get; private set; }

        public void Add(double? firstTextMs, string? error = null)
        {
            Requests++;
            if (firstTextMs is { } ms)
            {
                FirstTextMs.Add(ms);
                return;
            }

            Errors++;
            if (FirstErrors.Count < 3)
            {
                FirstErrors.Add(error ?? "the stream did not end with a finish reason and [DONE]");
            }
        }

        public static Outcomes Merge(Outcomes a, Outcomes b)
        {
            var merged = new Outcomes { Requests = a.Requests + b.Requests, Errors = a.Errors + b.Errors };
            merged.FirstTextMs.AddRange(a.FirstTextMs.Concat(b.FirstTextMs));
            merged.FirstErrors.AddRange(a.FirstErrors.Concat(b.FirstErrors).Take(3));
            return merged;
        }
    }
}

internal sealed record LoadRow(string Name, int Requests, int Errors, double P50, double P95, double Max, IReadOnlyList<string> FirstErrors);

internal sealed record ApiLoadReport(
    DateTime RunAt, int Cores, double Seconds, int ApiClients, int BrowserChats, int AnswerTokens,
    LoadRow Api, LoadRow Chat, double RssStartMiB, double RssEndMiB);
