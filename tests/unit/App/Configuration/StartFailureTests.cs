using System.Diagnostics;

namespace WebChat.Tests.Unit.App.Configuration;

public sealed class StartFailureTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("webchat-start-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task A_setting_that_cannot_work_ends_the_process_with_exit_code_1_and_a_line_naming_it()
    {
        var (exitCode, log) = await StartAppAsync("--WebChat:StarterModel:Repo=not a repository");

        Assert.Equal(1, exitCode);
        Assert.Contains("WebChat cannot start", log, StringComparison.Ordinal);
        Assert.Contains("WebChat:StarterModel", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PostgreSQL_server_that_cannot_be_reached_ends_the_start_naming_the_connection_string_setting_but_not_its_password()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var (exitCode, log) = await StartAppAsync(
            "--Database:Provider=Postgres",
            $"--ConnectionStrings:WebChat=Host=127.0.0.1;Port={port};Database=webchat;Username=webchat;Password=hunter2-secret;Timeout=5");

        Assert.Equal(1, exitCode);
        Assert.Contains("WebChat cannot start", log, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:WebChat", log, StringComparison.Ordinal);
        Assert.Contains($"'webchat' on 127.0.0.1:{port}", log, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Postgres_provider_without_a_connection_string_ends_the_start_naming_the_setting()
    {
        var (exitCode, log) = await StartAppAsync("--Database:Provider=Postgres");

        Assert.Equal(1, exitCode);
        Assert.Contains("WebChat cannot start", log, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:WebChat is empty", log, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Log)> StartAppAsync(params string[] settings)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "WebChat.dll"), "--urls", "http://127.0.0.1:0", $"--WebChat:DataDirectory={_dataDirectory}" }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }

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

        return (process.ExitCode, await output + await errors);
    }
}
