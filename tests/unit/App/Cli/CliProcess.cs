using System.Diagnostics;

namespace WebChat.Tests.Unit.App.Cli;

/// <summary>Runs the built command line in its own process, so what it prints meets a real pipe or a real pseudo-terminal.</summary>
internal static class CliProcess
{
    /// <summary>Runs the built WebChat with its output into a pipe, or under `script` (util-linux), which gives it a pseudo-terminal.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] arguments, bool terminal, bool noColor = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string[] command = [dotnet, Path.Combine(AppContext.BaseDirectory, "WebChat.dll"), .. arguments];
        var start = new ProcessStartInfo(terminal ? "script" : command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (terminal)
        {
            foreach (var option in new[] { "-qfec", string.Join(' ', command.Select(a => $"'{a.Replace("'", "'\\''", StringComparison.Ordinal)}'")), "/dev/null" })
            {
                start.ArgumentList.Add(option);
            }

            start.Environment["TERM"] = "xterm-256color";
        }
        else
        {
            foreach (var argument in command.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.Environment.Remove("NO_COLOR");
        if (noColor)
        {
            start.Environment["NO_COLOR"] = "1";
        }

        start.Environment.Remove("DOTNET_TieredCompilation");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
