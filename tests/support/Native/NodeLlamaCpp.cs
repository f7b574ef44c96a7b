using System.Diagnostics;

namespace WebChat.Tests.Support.Native;

/// <summary>
/// node-llama-cpp 3.21.1 from npm in a cache folder (~/.cache/webchat/peer): the peer the bench compares the engine
/// with, and its prebuilt libllama, a llama.cpp build other than the one LLamaSharp binds, for the native guard's tests.
/// </summary>
public static class NodeLlamaCpp
{
    public const string Version = "3.21.1";

    /// <summary>The npm project folder the package is installed into.</summary>
    public static string Folder { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "webchat", "peer", $"node-llama-cpp-{Version}");

    /// <summary>The prebuilt Linux x64 CPU libraries (libllama.v*.so, libggml*, per-CPU libggml-cpu-*.so).</summary>
    public static string LinuxX64Binaries => Path.Combine(Folder, "node_modules", "@node-llama-cpp", "linux-x64", "bins", "linux-x64");

    /// <summary>Installs node-llama-cpp and its Linux x64 binaries with npm unless they are there; returns <see cref="Folder"/>.</summary>
    public static async Task<string> EnsureInstalledAsync(CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(LinuxX64Binaries) && File.Exists(Path.Combine(Folder, "node_modules", "node-llama-cpp", "package.json")))
        {
            return Folder;
        }

        Directory.CreateDirectory(Folder);
        var manifest = Path.Combine(Folder, "package.json");
        if (!File.Exists(manifest))
        {
            await File.WriteAllTextAsync(manifest, """{ "name": "webchat-peer", "private": true, "type": "module" }""", cancellationToken);
        }

        // Optional dependencies (CUDA and Vulkan builds, ~600 MB) are left out; the CPU package is named explicitly.
        // No install scripts: node-llama-cpp's would try to download or build llama.cpp.
        var start = new ProcessStartInfo("npm") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["install", "--ignore-scripts", "--omit=optional", "--no-audit", "--no-fund",
                     $"node-llama-cpp@{Version}", $"@node-llama-cpp/linux-x64@{Version}"])
        {
            start.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        var errors = npm.StandardError.ReadToEndAsync(cancellationToken);
        await npm.StandardOutput.ReadToEndAsync(cancellationToken);
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0 || !Directory.Exists(LinuxX64Binaries))
        {
            throw new InvalidOperationException($"npm could not install node-llama-cpp {Version} into {Folder} (exit code {npm.ExitCode}): {await errors}");
        }

        return Folder;
    }

    /// <summary>
    /// Fills <paramref name="folder"/> with the bundled libllama and libmtmd (from <paramref name="bundledFolder"/>) beside
    /// node-llama-cpp's prebuilt ggml libraries (ggml 0.23.0; the bundle's is 0.18.0) under the names libllama asks for:
    /// the right libllama over a ggml of another version.
    /// </summary>
    public static void ComposeForeignGgml(string bundledFolder, string folder)
    {
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(bundledFolder, "libllama.so"), Path.Combine(folder, "libllama.so"), overwrite: true);
        File.Copy(Path.Combine(bundledFolder, "libmtmd.so"), Path.Combine(folder, "libmtmd.so"), overwrite: true);
        File.Copy(Path.Combine(LinuxX64Binaries, "libggml-base.so"), Path.Combine(folder, "libggml-base.so"), overwrite: true);
        File.Copy(Directory.EnumerateFiles(LinuxX64Binaries, "libggml.*.so").Single(), Path.Combine(folder, "libggml.so"), overwrite: true);
        File.Copy(Path.Combine(LinuxX64Binaries, "libggml-cpu-x64.so"), Path.Combine(folder, "libggml-cpu.so"), overwrite: true);
    }
}
