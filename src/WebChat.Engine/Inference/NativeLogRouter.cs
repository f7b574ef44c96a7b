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
    private static bool _installed;

    /// <summary>Installs the callback once (before the first native call when possible) and points it at the factory.</summary>
    public static void Install(ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger("LLama.Native");
        lock (Gate)
        {
            if (_installed)
            {
                return;
            }

            NativeLogConfig.llama_log_set(Forward);
            _installed = true;
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
