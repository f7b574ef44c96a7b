using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using WebChat.Tests.Support.Network;

namespace WebChat.Bench.Engines;

/// <summary>
/// One llama.cpp `llama-server` process on 127.0.0.1 (a free port), serving one GGUF under an alias; its log lines are
/// kept so a bench can count the requests it served and the prompt tokens it took from its cache. The binary comes
/// from scripts/build-llama-server.sh (built once, then cached).
/// </summary>
internal sealed class LlamaServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private LlamaServer(Process process, Uri baseAddress, string alias)
    {
        _process = process;
        BaseAddress = baseAddress;
        Alias = alias;
    }

    /// <summary>http://127.0.0.1:PORT/ (the OpenAI API is under v1/).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The model id the server answers to (`--alias`).</summary>
    public string Alias { get; }

    public IReadOnlyCollection<string> Log => _log;

    /// <summary>Runs scripts/build-llama-server.sh (instant once built) and returns the binary's path.</summary>
    public static async Task<string> BinaryAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "build-llama-server.sh");
        Console.WriteLine($"# llama-server: {script} (builds llama.cpp once, ~13 min on 2 cores; then cached)");
        var start = new ProcessStartInfo(script) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("--jobs");
        start.ArgumentList.Add(Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
        using var build = Process.Start(start) ?? throw new InvalidOperationException("scripts/build-llama-server.sh did not start.");
        var output = await build.StandardOutput.ReadToEndAsync();
        await build.WaitForExitAsync();
        var binary = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
        if (build.ExitCode != 0 || binary is null || !File.Exists(binary))
        {
            throw new InvalidOperationException($"scripts/build-llama-server.sh failed (exit code {build.ExitCode}); run it by hand to see why.");
        }

        return binary;
    }

    /// <summary>"llama.cpp b10361 (c2fd87e), built with GNU 12.2.0": the release the build script noted and the binary's --version.</summary>
    public static async Task<string> DescribeAsync(string binary)
    {
        var release = Path.Combine(Path.GetDirectoryName(binary)!, "release");
        var start = new ProcessStartInfo(binary, "--version") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("llama-server did not start.");
        var text = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var version = string.Join(", ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return $"llama.cpp {(File.Exists(release) ? (await File.ReadAllTextAsync(release)).Trim() : "?")}; {version}";
    }

    /// <summary>
    /// Starts the server and waits until /health answers 200 (model loaded). Chat output is parsed as plain content
    /// (chatml, no Jinja, no reasoning extraction): on random weights any other parser rejects some answers.
    /// </summary>
    /// <param name="slotPrompts">/slots shows each slot's prompt text (LLAMA_SERVER_SLOTS_DEBUG), to tell whose prompt a slot holds.</param>
    /// <param name="cpu">Runs the server on this CPU alone (taskset), as an engine on a machine of its own would run.</param>
    public static async Task<LlamaServer> StartAsync(string binary, string model, string alias, int threads, int parallel, int contextPerSequence, bool slotPrompts = false, int? cpu = null)
    {
        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo(cpu is null ? binary : "taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (cpu is { } only)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(only.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(binary);
        }

        if (slotPrompts)
        {
            start.Environment["LLAMA_SERVER_SLOTS_DEBUG"] = "1";
        }

        foreach (var argument in (string[])["-m", model, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
                     "-c", (parallel * contextPerSequence).ToString(CultureInfo.InvariantCulture), "-np", parallel.ToString(CultureInfo.InvariantCulture),
                     "-t", threads.ToString(CultureInfo.InvariantCulture), "--alias", alias, "--metrics", "--slots",
                     "--no-jinja", "--chat-template", "chatml", "--reasoning-format", "none", "--no-webui"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("llama-server did not start.");
        var server = new LlamaServer(process, new Uri($"http://127.0.0.1:{port}/"), alias);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"llama-server exited ({process.ExitCode}): {string.Join('\n', server._log.TakeLast(15))}");
            }

            try
            {
                using var health = await http.GetAsync(new Uri(server.BaseAddress, "health"));
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        await server.DisposeAsync();
        throw new TimeoutException("llama-server did not become healthy within 3 minutes.");
    }

    /// <summary>The Prometheus counters and gauges of /metrics (`llamacpp:tokens_predicted_total` and so on).</summary>
    public async Task<IReadOnlyDictionary<string, double>> MetricsAsync(HttpClient http)
    {
        var text = await http.GetStringAsync(new Uri(BaseAddress, "metrics"));
        var values = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var value))
            {
                values[parts[0]] = value;
            }
        }

        return values;
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "scripts", "build-llama-server.sh")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the bench from the repository (scripts/build-llama-server.sh not found above the current folder).");
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }


    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
