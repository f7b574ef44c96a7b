using System.Diagnostics.Metrics;

namespace WebChat.Services.Chat;

/// <summary>The chat's meter ("WebChat.Chat"): server time spent rendering streaming answers, and how long text waits for it.</summary>
public static class ChatMetrics
{
    public const string MeterName = "WebChat.Chat";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Milliseconds per render of a streaming answer (catching up the text, Markdown of the tail, diff); tag "chars" = new characters shown.</summary>
    public static readonly Histogram<double> LiveRenderMilliseconds =
        Meter.CreateHistogram<double>("webchat.chat.live_render.duration", "ms", "Server time to render one update of a streaming answer");

    /// <summary>
    /// Milliseconds from the oldest text a render shows reaching the server to that render being handed to the circuit:
    /// the server's share of token-to-screen latency (coalescing wait, dispatcher queue, render).
    /// </summary>
    public static readonly Histogram<double> LiveRenderLagMilliseconds =
        Meter.CreateHistogram<double>("webchat.chat.live_render.lag", "ms", "Server time from text arriving to the render that shows it");
}
