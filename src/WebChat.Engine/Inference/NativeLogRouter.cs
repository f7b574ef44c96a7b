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
    }
}
