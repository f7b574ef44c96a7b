using System.Collections;
using System.Runtime.InteropServices;

namespace WebChat.Cli;

/// <summary>
/// `run` lives a few seconds and spends them in llama.cpp's threads, which take every core. Tiered compilation
/// re-compiles the token path in the background during exactly those seconds, and on a small machine that stalls
/// ggml's threads: `run` decoded at 0.84 of a bare LLamaSharp loop with it and at about 1.0 without it
/// (bench cli-run). The server keeps tiering, which halves its start-up. So on Linux `run` replaces itself once
/// (execve: same process id, terminal and signals) with tiering off, unless DOTNET_TieredCompilation is already set.
/// </summary>
internal static class RunWithoutTiering
{
    private const string Setting = "DOTNET_TieredCompilation";

    public static void ReexecIfNeeded(string[] args)
    {
        if (args is not ["run", ..] || !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Setting) is not null
            || !File.Exists("/proc/self/cmdline"))
        {
            return;
        }

        var argv = File.ReadAllText("/proc/self/cmdline").Split('\0', StringSplitOptions.None)[..^1];
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}")
            .Append($"{Setting}=0");

        // Returns only on failure; then `run` goes on as it is, a little slower.
        var path = Marshal.StringToCoTaskMemUTF8("/proc/self/exe");
        var nativeArgv = ToNative(argv);
        var nativeEnvironment = ToNative(environment);
        _ = execve(path, nativeArgv, nativeEnvironment);
        foreach (var pointer in nativeArgv.Concat(nativeEnvironment).Append(path))
        {
            Marshal.FreeCoTaskMem(pointer);
        }
    }

    // A NULL-terminated char* array, as execve takes it.
    private static nint[] ToNative(IEnumerable<string> values) => [.. values.Select(Marshal.StringToCoTaskMemUTF8), 0];

    [DllImport("libc", SetLastError = true)]
    private static extern int execve(nint path, nint[] argv, nint[] envp);
}
