using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebChat.Engine.Inference;

/// <summary>
/// Sends llama.cpp's log into ILogger (category "LLama.Native"). Its chatter (about 490 lines per load) goes to
/// Debug and Trace, so the default log level keeps it quiet; warnings and errors stay visible.
/// </summary>
internal static class NativeLogRouter
{
    private static readonly Lock Gate = new();
    private static readonly ThreadLocal<StringBuilder> Pending = new(() => new StringBuilder());
    private static volatile ILogger _logger = NullLogger.Instance;

    // Loads in progress that want llama.cpp's weight-buffer lines; a list, since tests may load in parallel.
    private static readonly List<List<string>> BufferCaptures = [];

    /// <summary>Points llama.cpp's log at the factory; call before the first native call so loading the library is routed too.</summary>
    public static void Install(ILoggerFactory loggerFactory)
    {
        lock (Gate)
        {
            _logger = loggerFactory.CreateLogger("LLama.Native");

            // Set again each time: other code in the process (a test helper) may have replaced the callback.
            NativeLogConfig.llama_log_set(Forward);
        }
    }

    // llama.cpp sends a line in pieces (the Continue level) and ends it with a newline.
    private static void Forward(LLamaLogLevel level, string message)
    {
        var line = Pending.Value!;
        line.Append(message);
        if (!message.EndsWith('\n'))
        {
            return;
        }

        var text = line.ToString().TrimEnd('\n');
        line.Clear();
        var logLevel = level switch
        {
            LLamaLogLevel.Error => LogLevel.Error,
            LLamaLogLevel.Warning => LogLevel.Warning,
            LLamaLogLevel.Info => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        _logger.Log(logLevel, "{NativeMessage}", text);
        if (text.Contains(" model buffer size", StringComparison.Ordinal))
        {
            lock (Gate)
            {
                foreach (var capture in BufferCaptures)
                {
                    capture.Add(text);
                }
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="load"/> and returns it with llama.cpp's "NAME model buffer size = N MiB" lines logged meanwhile:
    /// which buffer types hold the weights (CPU_REPACK or AMX when ggml-cpu repacked them for its kernels).
    /// </summary>
    public static async Task<(T Result, IReadOnlyList<string> BufferLines)> CaptureModelBuffersAsync<T>(Func<Task<T>> load)
    {
        var lines = new List<string>();
        lock (Gate)
        {
            BufferCaptures.Add(lines);
        }

        try
        {
            return (await load(), lines);
        }
        finally
        {
            lock (Gate)
            {
                BufferCaptures.Remove(lines);
            }
        }
    }
}
