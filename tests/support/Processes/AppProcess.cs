using System.Collections.Concurrent;
using System.Diagnostics;

namespace WebChat.Tests.Support.Processes;

/// <summary>
/// The built WebChat executable (beside the calling assembly: a test or bench project that references WebChat) in a process of its own (127.0.0.1, a free port, a temporary data directory), for
/// what must not happen inside the test process: llama.cpp is loaded once per process, so the native library
/// setting needs a fresh one. Its console output is kept for assertions.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private const string ListeningLine = "Now listening on: ";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "WebChat.exe" : "WebChat"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["WebChat__DataDirectory"] = DataDirectory;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        Directory.CreateDirectory(DataDirectory);
        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"WebChat exited with {process.ExitCode} before listening:\n{Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "webchat-process-" + Guid.NewGuid().ToString("N"));

    /// <summary>The operating system's id of the app's process.</summary>
    public int Id => process.Id;

    /// <summary>The app's resident memory now (VmRSS of /proc/PID/status, Linux), in bytes.</summary>
    public long Rss
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }

            throw new PlatformNotSupportedException($"/proc/{process.Id}/status has no VmRSS: reading a node's memory needs Linux.");
        }
    }

    /// <summary>Everything the app printed so far.</summary>
    public string Output => string.Join('\n', output);

    /// <summary>Starts the app with configuration keys (e.g. "Inference:NativeLibrary") and waits until it listens.</summary>
    public static async Task<(AppProcess App, Uri BaseAddress)> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var app = new AppProcess(settings);
        try
        {
            return (app, await app.listening.Task.WaitAsync(StartTimeout));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the app and waits for it to exit by itself (a start-up error), returning its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IReadOnlyDictionary<string, string> settings)
    {
        await using var app = new AppProcess(settings);
        await app.process.WaitForExitAsync(new CancellationTokenSource(StartTimeout).Token);
        app.process.WaitForExit(); // Drains the redirected output.
        return (app.process.ExitCode, app.Output);
    }

    /// <summary>Kills the app at once with SIGKILL (kill -9): nothing of its own shutdown runs, as when its machine dies.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        var at = line.IndexOf(ListeningLine, StringComparison.Ordinal);
        if (at >= 0)
        {
            listening.TrySetResult(new Uri(line[(at + ListeningLine.Length)..].Trim() + "/"));
        }
    }

    public async ValueTask DisposeAsync() => await StartedProcess.StopAndDeleteAsync(process, DataDirectory);
}
