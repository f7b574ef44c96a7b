using System.Diagnostics;

namespace WebChat.Tests.E2E.Api;

/// <summary>
/// The official `openai` npm package, installed once into ~/.cache/webchat/npm/openai-VERSION with npm (the registry
/// must be reachable the first time), and a script run next to it with node.
/// </summary>
internal static class NodeOpenAi
{
    public const string Version = "7.60.0";

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static string Folder { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "webchat", "npm", "openai-" + Version);

    /// <summary>Runs a script of Api/node with the environment given; returns its standard output, failing on a non-zero exit.</summary>
    public static Task<string> RunAsync(string script, IReadOnlyDictionary<string, string> environment) =>
        RunFileAsync(Path.Combine(AppContext.BaseDirectory, "Api", "node", script), environment);

    /// <summary>Runs any script file next to the installed package (so its `import 'openai'` resolves).</summary>
    public static async Task<string> RunFileAsync(string scriptPath, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        await EnsureInstalledAsync();
        var script = Path.GetFileName(scriptPath);
        var target = Path.Combine(Folder, script);
        File.Copy(scriptPath, target, overwrite: true);
        var (exitCode, output, error) = await RunProcessAsync("node", [target, .. arguments], Folder, environment, TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, $"node {script} exited with {exitCode}: {error}");
        return output;
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(Folder, "node_modules", "openai", "package.json")))
            {
                return;
            }

            Directory.CreateDirectory(Folder);
            var (exitCode, _, error) = await RunProcessAsync("npm",
                ["install", "--no-audit", "--no-fund", "--prefix", Folder, "openai@" + Version], Folder, new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, $"npm install openai@{Version} failed ({exitCode}); npm and the registry are needed once: {error}");
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunProcessAsync(
        string file, string[] arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} ran longer than {timeout}.");
        }

        return (process.ExitCode, await output, await error);
    }
}
