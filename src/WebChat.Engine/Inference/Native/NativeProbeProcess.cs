using System.Diagnostics;
using System.Text.Json;

namespace WebChat.Engine.Inference.Native;

/// <summary>
/// Runs <see cref="NativeProbe"/> in a child process (the app's hidden <c>native-probe</c> command), so a library
/// that crashes on load or reads structs wrongly takes down only the child.
/// </summary>
/// <param name="FileName">The executable to start (the app's apphost, or dotnet).</param>
/// <param name="Prefix">Arguments before the command (e.g. "exec WebChat.dll" under dotnet).</param>
public sealed record NativeProbeProcess(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>The line the child prints its report on; everything else it prints is ignored.</summary>
    public const string ReportMarker = "NATIVE-PROBE ";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Starts the app whose main assembly is <paramref name="assemblyPath"/>: its apphost when present, else <c>dotnet exec</c>.</summary>
    public static NativeProbeProcess ForAssembly(string assemblyPath)
    {
        var apphost = Path.ChangeExtension(assemblyPath, OperatingSystem.IsWindows() ? ".exe" : null);
        if (File.Exists(apphost))
        {
            return new NativeProbeProcess(apphost, []);
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return new NativeProbeProcess(dotnet, ["exec", assemblyPath]);
    }

    /// <summary>Loads <paramref name="files"/> (null: the bundled library) in a child and returns its report, or why there is none.</summary>
    public async Task<(NativeLibraryReport? Report, string? Failure)> RunAsync(NativeLibraryFiles? files, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in Prefix)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("native-probe");
        if (files is not null)
        {
            start.ArgumentList.Add(files.Folder);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{FileName} did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return (null, $"the probe process did not finish within {Timeout.TotalSeconds:0} s");
        }

        var line = (await output).Split('\n').FirstOrDefault(l => l.StartsWith(ReportMarker, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            var lastError = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
            return (null, $"the probe process failed (exit code {process.ExitCode}{(lastError is null ? "" : $": {lastError}")})");
        }

        return (JsonSerializer.Deserialize<NativeLibraryReport>(line[ReportMarker.Length..]), null);
    }
}
