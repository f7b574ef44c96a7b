using System.Collections.Concurrent;
using LLama.Native;

namespace WebChat.Tests.Support.Native;

/// <summary>
/// Keeps llama.cpp's ~500 log lines per model load out of test output, keeping the last lines for failure messages.
/// Call <see cref="Quiet"/> before the first LLamaSharp call in the process: the callback must be set before the native library loads.
/// </summary>
public static class NativeLogs
{
    private const int Kept = 200;
    private static readonly ConcurrentQueue<string> Recent = new();
    private static readonly Lazy<bool> Configured = new(Configure, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Idempotent: routes native logs into memory.</summary>
    public static void Quiet() => _ = Configured.Value;

    /// <summary>The last native log lines (warnings and errors included), oldest first.</summary>
    public static IReadOnlyList<string> RecentLines => [.. Recent];

    private static bool Configure()
    {
        try
        {
            NativeLibraryConfig.All.WithLogCallback(Keep);
        }
        catch (InvalidOperationException)
        {
            // The library was already loaded by other code in this process: set the callback directly.
            NativeLogConfig.llama_log_set(Keep);
        }

        return true;
    }

    private static void Keep(LLamaLogLevel level, string message)
    {
        Recent.Enqueue($"{level}: {message.TrimEnd()}");
        while (Recent.Count > Kept && Recent.TryDequeue(out _))
        {
        }
    }
}
