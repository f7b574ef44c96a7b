using System.Diagnostics;

namespace WebChat.Tests.Unit.App.Configuration;

public sealed class StartFailureTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("webchat-start-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task A_setting_that_cannot_work_ends_the_process_with_exit_code_1_and_a_line_naming_it()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "WebChat.dll"),
                "--urls", "http://127.0.0.1:0",
                $"--WebChat:DataDirectory={_dataDirectory}",
                "--WebChat:StarterModel:Repo=not a repository",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);

        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var log = await output + await errors;
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("WebChat cannot start", log, StringComparison.Ordinal);
        Assert.Contains("WebChat:StarterModel", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
    }
}
