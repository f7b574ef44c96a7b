using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;

namespace WebChat.Services.Chat;

/// <summary>
/// Runs one answer on its own task: streams from the engine into the <see cref="ActiveGeneration"/>, writes
/// the text to the database every <see cref="ChatOptions.FlushInterval"/>, then stores the final state
/// (complete, stopped or failed with words for a person) and one usage record. The periodic save runs beside the
/// stream: a busy database delays neither the text nor the answer, and its failure is retried at the next interval,
/// never reported as an engine error. The final save is retried a few times.
/// </summary>
public sealed class GenerationRunner(
    IDbContextFactory<WebChatDbContext> dbFactory,
    IInferenceEngine engine,
    GenerationRegistry registry,
    UsageWriter usage,
    IOptions<ChatOptions> options,
    TimeProvider time,
    ILogger<GenerationRunner> logger,
    Serving.ModelServing? serving = null,
    ReasoningTags? reasoningTags = null)
{
    /// <summary>Claims the conversation for a new answer; throws <see cref="GenerationInProgressException"/> while one is being written.</summary>
    public ActiveGeneration Claim(string userId, Guid conversationId)
    {
        var generation = new ActiveGeneration(userId, conversationId, Guid.NewGuid(),
            error => logger.LogWarning(error, "A tab showing answer in conversation {ConversationId} failed; the answer goes on", conversationId));
        return registry.TryAdd(generation) ? generation : throw new GenerationInProgressException();
    }

    /// <summary>The answer being written in the conversation, if any.</summary>
    public ActiveGeneration? Find(Guid conversationId) => registry.Find(conversationId);

    /// <summary>Gives the conversation back when the answer could not be started.</summary>
    public void Abandon(ActiveGeneration generation)
    {
        registry.Remove(generation);
        generation.Dispose();
    }

    public void Start(ActiveGeneration generation, ChatRequest request, string? model) =>
        _ = Task.Run(() => RunAsync(generation, request, model));

    private static readonly TimeSpan[] FinalSaveRetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)];

    private async Task RunAsync(ActiveGeneration generation, ChatRequest request, string? model)
    {
        var reasoning = new ReasoningStream(time);
        var outcome = await StreamAsync(generation, request, reasoning);
        try
        {
            reasoning.Complete(generation);
            await FinishWithRetriesAsync(generation, outcome, outcome.Summary?.Model ?? model ?? "unknown");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not store the end of answer {MessageId}", generation.MessageId);
        }
        finally
        {
            registry.Remove(generation);
            generation.MarkFinished();
            generation.Dispose();
        }
    }

    private async Task<StreamOutcome> StreamAsync(ActiveGeneration generation, ChatRequest request, ReasoningStream reasoning)
    {
        ChatSummary? summary = null;
        var lastFlush = time.GetTimestamp();
        var flushedLength = 0;
        Task<int>? flushing = null;
        try
        {
            var updates = generation.RemoteModel is { } remoteModel && serving is not null
                ? serving.StreamRemoteAsync(remoteModel, request, generation.StopToken)
                : await LocalUpdatesAsync(generation, request, reasoning);
            await foreach (var update in updates)
            {
                switch (update)
                {
                    case TextDelta delta:
                        reasoning.Feed(delta.Text, generation);
                        break;
                    case ReasoningDelta thought:
                        reasoning.FeedReasoning(thought.Text, generation);
                        break;
                    case QueuePosition queue:
                        generation.SetQueuePosition(queue.Position);
                        break;
                    case ChatSummary end:
                        summary = end;
                        break;
                }

                if (flushing is { IsCompleted: true })
                {
                    flushedLength = await flushing;
                    flushing = null;
                }

                if (flushing is null && generation.Length + generation.ReasoningLength > flushedLength && time.GetElapsedTime(lastFlush) >= options.Value.FlushInterval)
                {
                    flushing = TryFlushAsync(generation, flushedLength);
                    lastFlush = time.GetTimestamp();
                }
            }

            return new StreamOutcome(summary, null, Stopped: generation.IsStopRequested);
        }
        catch (OperationCanceledException) when (generation.IsStopRequested)
        {
            return new StreamOutcome(summary, null, Stopped: true);
        }
        catch (EngineException ex)
        {
            return new StreamOutcome(summary, ex.Message);
        }
        catch (Models.ModelOperationException ex)
        {
            return new StreamOutcome(summary, ex.Message); // e.g. a preset's model was deleted, or a switch waited too long
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The engine failed while answering {MessageId}", generation.MessageId);
            return new StreamOutcome(summary, "The engine stopped unexpectedly. Try again; if it keeps happening, ask an admin to reload the model.");
        }
        finally
        {
            // A periodic save still running must not land after the final one.
            if (flushing is not null)
            {
                await flushing;
            }
        }
    }

    // The in-process engine: the preset's model or the default loaded first (the page shows "Loading the model…"), then its reasoning tag.
    private async Task<IAsyncEnumerable<ChatUpdate>> LocalUpdatesAsync(ActiveGeneration generation, ChatRequest request, ReasoningStream reasoning)
    {
        if (serving is not null)
        {
            using var loading = serving.ShowLoading(generation);
            await serving.EnsureReadyAsync(generation.PresetModelId, generation.StopToken);
        }

        if (reasoningTags is not null)
        {
            reasoning.UseTag(await reasoningTags.ForModelPathAsync(engine.Status.ModelPath, generation.StopToken));
        }

        return engine.StreamChatAsync(request, generation.StopToken);
    }

    // Never throws: the text stays in memory and the next interval (or the final save) writes it.
    private async Task<int> TryFlushAsync(ActiveGeneration generation, int flushedLength)
    {
        try
        {
            return await FlushAsync(generation);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not save answer {MessageId} while it streams; trying again at the next interval", generation.MessageId);
            return flushedLength;
        }
    }

    private async Task FinishWithRetriesAsync(ActiveGeneration generation, StreamOutcome outcome, string model)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await FinishAsync(generation, outcome, model);
                return;
            }
            catch (Exception ex) when (attempt < FinalSaveRetryDelays.Length)
            {
                logger.LogWarning(ex, "Could not store the end of answer {MessageId}; trying again", generation.MessageId);
                await Task.Delay(FinalSaveRetryDelays[attempt]);
            }
        }
    }

    private async Task<int> FlushAsync(ActiveGeneration generation)
    {
        var text = generation.ReadFrom(0);
        var reasoning = generation.ReasoningLength == 0 ? null : generation.ReadReasoningFrom(0);
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Messages.Where(m => m.Id == generation.MessageId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Content, text).SetProperty(m => m.Reasoning, reasoning));
        return text.Length + (reasoning?.Length ?? 0);
    }

    private async Task FinishAsync(ActiveGeneration generation, StreamOutcome outcome, string model)
    {
        var (status, reason, error) = Classify(outcome);
        if (outcome.Stopped && generation.StopReason is { } why)
        {
            error = why;
        }

        var summary = outcome.Summary;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var message = await db.Messages.SingleOrDefaultAsync(m => m.Id == generation.MessageId);
            if (message is null)
            {
                return; // The conversation was deleted while the answer was being written.
            }

            message.Content = generation.ReadFrom(0);
            message.Reasoning = generation.ReasoningLength == 0 ? null : generation.ReadReasoningFrom(0);
            message.ReasoningMs = generation.ReasoningDuration?.TotalMilliseconds;
            message.Status = status;
            message.Error = error;
            message.Model = model;
            message.Notice = NoticeFor(summary);
            message.PromptTokens = summary?.PromptTokens;
            message.ReusedPromptTokens = summary?.ReusedPromptTokens;
            message.CompletionTokens = summary?.CompletionTokens;
            message.TimeToFirstTokenMs = summary?.TimeToFirstToken.TotalMilliseconds;
            message.TokensPerSecond = summary?.TokensPerSecond;
            await db.Conversations.Where(c => c.Id == generation.ConversationId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, time.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync();
        }

        await usage.WriteAsync(generation.UserId, generation.ConversationId, model, summary, reason, preset: generation.PresetName);
    }

    private static (MessageStatus Status, FinishReason Reason, string? Error) Classify(StreamOutcome outcome)
    {
        if (outcome.Error is not null)
        {
            return (MessageStatus.Failed, FinishReason.Error, outcome.Error);
        }

        if (outcome.Stopped)
        {
            return (MessageStatus.Stopped, FinishReason.Cancelled, null);
        }

        return outcome.Summary?.FinishReason switch
        {
            FinishReason.Stop or FinishReason.Length => (MessageStatus.Complete, outcome.Summary.FinishReason, null),
            FinishReason.Cancelled => (MessageStatus.Stopped, FinishReason.Cancelled, outcome.Summary.Message),
            FinishReason.Error => (MessageStatus.Failed, FinishReason.Error, outcome.Summary.Message ?? "The engine could not finish this answer."),
            _ => (MessageStatus.Failed, FinishReason.Error, "The engine ended the answer without saying why."),
        };
    }

    private static string? NoticeFor(ChatSummary? summary)
    {
        var notices = new List<string>();
        if (summary?.DroppedTurns > 0)
        {
            notices.Add($"The conversation was longer than the model's context: the {summary.DroppedTurns} oldest turn(s) were left out.");
        }

        if (summary?.FinishReason == FinishReason.Length)
        {
            notices.Add("The answer reached the max tokens limit.");
        }

        return notices.Count == 0 ? null : string.Join(" ", notices);
    }

    private sealed record StreamOutcome(ChatSummary? Summary, string? Error, bool Stopped = false);
}
