using System.Diagnostics;
using System.Diagnostics.Metrics;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;

namespace WebChat.Services.Metrics;

/// <summary>
/// The meter "WebChat.Inference": one record per finished generation, chat page and API alike (UsageWriter calls it,
/// the one place every generation ends). Tags: source (Chat, Api), model, finish_reason.
/// </summary>
public static class GenerationMetrics
{
    public const string MeterName = "WebChat.Inference";

    internal static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests =
        Meter.CreateCounter<long>("webchat.requests", "{request}", "Generations finished, by source, model and finish reason");

    private static readonly Counter<long> PromptTokens =
        Meter.CreateCounter<long>("webchat.tokens.prompt", "{token}", "Prompt tokens of finished generations");

    private static readonly Counter<long> CompletionTokens =
        Meter.CreateCounter<long>("webchat.tokens.completion", "{token}", "Completion tokens of finished generations");

    private static readonly Histogram<double> TimeToFirstToken =
        Meter.CreateHistogram<double>("webchat.time_to_first_token", "s", "Time from request to the first answer token",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60] });

    private static readonly Histogram<double> TokensPerSecond =
        Meter.CreateHistogram<double>("webchat.tokens_per_second", "{token}/s", "Decoding speed of one generation",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500] });

    public static void Record(UsageSource source, string model, ChatSummary? summary, FinishReason reason)
    {
        var tags = new TagList { { "source", source.ToString() }, { "model", model } };
        Requests.Add(1, new TagList { { "source", source.ToString() }, { "model", model }, { "finish_reason", reason.ToString() } });
        if (summary is null)
        {
            return;
        }

        PromptTokens.Add(summary.PromptTokens, tags);
        CompletionTokens.Add(summary.CompletionTokens, tags);
        if (summary.CompletionTokens > 0)
        {
            TimeToFirstToken.Record(summary.TimeToFirstToken.TotalSeconds, tags);
        }

        if (summary.TokensPerSecond > 0)
        {
            TokensPerSecond.Record(summary.TokensPerSecond, tags);
        }
    }
}
