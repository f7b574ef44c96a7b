using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenAI.Chat;
using WebChat.Engine.Inference;
using EngineChatRole = WebChat.Engine.Inference.ChatRole;
using OpenAiChatMessage = OpenAI.Chat.ChatMessage;

namespace WebChat.Services.Serving.Engines;

/// <summary>
/// Streams one answer from one remote engine through the OpenAI SDK (its SSE reading, its errors), as the engine's
/// updates: text, reasoning (reasoning_content where the engine sends it), and one summary with the usage it reported.
/// A failure before the first token is thrown (the router tries another replica); a failure after it ends the
/// stream with an Error summary, so the text so far is kept. Cancelling the token cancels the HTTP request at once.
/// </summary>
public static class RemoteChat
{
    public static async IAsyncEnumerable<ChatUpdate> StreamAsync(
        RemoteEngineState engine, string model, ChatRequest request, TimeSpan firstTokenTimeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var inFlight = engine.Begin();
        using var firstToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        firstToken.CancelAfter(firstTokenTimeout);
        var started = Stopwatch.GetTimestamp();
        TimeSpan? ttft = null;
        var (text, finish, usage) = (0, (ChatFinishReason?)null, (ChatTokenUsage?)null);
        var updates = engine.Client.GetChatClient(model).CompleteChatStreamingAsync(MessagesOf(request), OptionsOf(request), firstToken.Token);
        await using var reader = updates.GetAsyncEnumerator(firstToken.Token);
        while (true)
        {
            StreamingChatCompletionUpdate update;
            string? brokeOff = null;
            try
            {
                if (!await reader.MoveNextAsync())
                {
                    break;
                }

                update = reader.Current;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break; // Stop, or the client went away: the HTTP request is cancelled with the token
            }
            catch (OperationCanceledException) when (ttft is null)
            {
                throw new TimeoutException($"no first token within {firstTokenTimeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (ttft is not null && e is not OperationCanceledException)
            {
                brokeOff = RemoteEngines.Describe(e).Words;
                update = null!;
            }

            if (brokeOff is not null)
            {
                yield return Summary(FinishReason.Error, engine, model, usage, ttft, started, text,
                    $"{engine.Name} stopped in the middle of the answer ({brokeOff}); the text so far is kept. Try again.");
                yield break;
            }

            var reasoning = ReasoningOf(update);
            var content = string.Concat(update.ContentUpdate.Select(p => p.Text));
            if ((reasoning is { Length: > 0 } || content.Length > 0) && ttft is null)
            {
                ttft = Stopwatch.GetElapsedTime(started);
                firstToken.CancelAfter(Timeout.InfiniteTimeSpan); // the timeout guards the first token only
            }

            if (reasoning is { Length: > 0 })
            {
                yield return new ReasoningDelta(reasoning);
            }

            if (content.Length > 0)
            {
                text += content.Length;
                yield return new TextDelta(content);
            }

            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        var reason = cancellationToken.IsCancellationRequested ? FinishReason.Cancelled : finish == ChatFinishReason.Length ? FinishReason.Length : FinishReason.Stop;
        var summary = Summary(reason, engine, model, usage, ttft, started, text, null);
        if (summary.TokensPerSecond > 0)
        {
            engine.RecordSpeed(summary.TokensPerSecond);
        }

        yield return summary;
    }

    private static ChatSummary Summary(
        FinishReason reason, RemoteEngineState engine, string model, ChatTokenUsage? usage, TimeSpan? ttft, long started, int textLength, string? message)
    {
        var duration = Stopwatch.GetElapsedTime(started);
        var completion = usage?.OutputTokenCount ?? 0;
        var generating = duration - (ttft ?? duration);
        return new ChatSummary
        {
            FinishReason = reason,
            PromptTokens = usage?.InputTokenCount ?? 0,
            ReusedPromptTokens = usage?.InputTokenDetails?.CachedTokenCount ?? 0,
            CompletionTokens = completion,
            TimeToFirstToken = ttft ?? TimeSpan.Zero,
            Duration = duration,
            TokensPerSecond = completion > 1 && generating > TimeSpan.Zero ? (completion - 1) / generating.TotalSeconds : 0,
            Model = model,
            Engine = engine.Name,
            Message = message,
        };
    }

    // reasoning_content is not part of OpenAI's schema, so the SDK keeps it among the update's additional properties.
    private static string? ReasoningOf(StreamingChatCompletionUpdate update)
    {
        var json = ModelReaderWriter.Write(update, ModelReaderWriterOptions.Json);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            && choices[0].TryGetProperty("delta", out var delta)
            && (delta.TryGetProperty("reasoning_content", out var reasoning) || delta.TryGetProperty("reasoning", out reasoning))
            && reasoning.ValueKind == JsonValueKind.String
            ? reasoning.GetString()
            : null;
    }

    private static List<OpenAiChatMessage> MessagesOf(ChatRequest request) =>
        [.. request.Messages.Select(t => t.Role switch
        {
            EngineChatRole.System => (OpenAiChatMessage)new SystemChatMessage(t.Content),
            EngineChatRole.Assistant => new AssistantChatMessage(t.Content),
            _ => new UserChatMessage(t.Content),
        })];

    private static ChatCompletionOptions OptionsOf(ChatRequest request)
    {
        var options = new ChatCompletionOptions
        {
            Temperature = request.Sampling.Temperature,
            TopP = request.Sampling.TopP,
            MaxOutputTokenCount = request.MaxTokens,
        };
        foreach (var stop in request.StopStrings.Take(4))
        {
            options.StopSequences.Add(stop);
        }

        return options;
    }
}
