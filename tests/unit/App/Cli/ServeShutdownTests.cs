using System.Diagnostics;
using System.Runtime.InteropServices;
using WebChat.Tests.Support.Network;

namespace WebChat.Tests.Unit.App.Cli;

/// <summary>
/// The served app stops through the web host's own shutdown on SIGTERM (systemd's stop, `docker stop`, Ctrl+C twice),
/// not through the command-line library's handler, which ended the process 2 s into the shutdown and crashed with an
/// unhandled exception when a second signal came.
/// </summary>
public sealed class ServeShutdownTests : IDisposable
{
    private const int SigTerm = 15;
    private readonly string _data = Directory.CreateTempSubdirectory("webchat-shutdown-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Two_SIGTERMs_in_a_row_end_the_served_app_cleanly_through_the_host_shutdown()
    {
        var port = LoopbackPort.Free();
        using var app = Start(port);
        var output = app.StandardOutput.ReadToEndAsync();
        var error = app.StandardError.ReadToEndAsync();
        await WaitForHealthAsync(port, app);

        Assert.Equal(0, kill(app.Id, SigTerm));
        Assert.Equal(0, kill(app.Id, SigTerm));
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.WaitForExitAsync(patience.Token);

        var (stdout, stderr) = (await output, await error);
        Assert.DoesNotContain("Unhandled exception", stderr + stdout, StringComparison.Ordinal);
        Assert.Contains("Application is shutting down", stdout, StringComparison.Ordinal);
        Assert.Equal(0, app.ExitCode);
    }

    private Process Start(int port)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "WebChat.dll"), "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["WebChat__DataDirectory"] = _data;
        start.Environment["Logging__Console__FormatterName"] = "simple";
        return Process.Start(start)!;
    }

    private static async Task WaitForHealthAsync(int port, Process app)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !app.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        app.Kill(entireProcessTree: true);
        throw new TimeoutException("The served app did not answer /healthz.");
    }


    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
