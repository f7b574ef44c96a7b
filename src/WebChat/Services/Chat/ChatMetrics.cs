using System.Diagnostics.Metrics;

namespace WebChat.Services.Chat;

/// <summary>The chat's meter ("WebChat.Chat"): server time spent rendering streaming answers.</summary>
public static class ChatMetrics
{
    public const string MeterName = "WebChat.Chat";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Milliseconds per render of a streaming answer (catching up the text, Markdown of the tail, diff); tag "chars" = new characters shown.</summary>
    public static readonly Histogram<double> LiveRenderMilliseconds =
        Meter.CreateHistogram<double>("webchat.chat.live_render.duration", "ms", "Server time to render one update of a streaming answer");
}
