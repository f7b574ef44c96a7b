using WebChat.Services.Api;

namespace WebChat.Api.OpenAi;

/// <summary>The chunks of one streamed answer, in the shape of its endpoint.</summary>
public interface IChunkShape
{
    /// <summary>The first chunk before any text (chat: the role), or null.</summary>
    object? Opening();
    object Text(string text);
    object Finish(string finishReason);
    object Usage(OpenAiUsage usage);
}

/// <summary>
/// Streams an answer as server-sent events: the opening chunk, one chunk per text piece, a chunk with the finish
/// reason, the usage chunk when asked for, then [DONE]. A client that goes away cancels the engine's work at once
/// (the request's abort token is the generation's token); the usage record is written either way.
/// </summary>
public sealed class OpenAiStreamResult(ApiGeneration generation, IChunkShape shape, bool includeUsage) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var aborted = httpContext.RequestAborted;
        await using (generation)
        {
            try
            {
                await ServerSentEvents.StartAsync(response, aborted);
                if (shape.Opening() is { } opening)
                {
                    await ServerSentEvents.WriteAsync(response, opening, aborted);
                }

                await foreach (var text in generation.ReadTextAsync().WithCancellation(aborted))
                {
                    await ServerSentEvents.WriteAsync(response, shape.Text(text), aborted);
                }

                await WriteEndAsync(response, aborted);
            }
            catch (Exception e) when (aborted.IsCancellationRequested && e is OperationCanceledException or IOException)
            {
                // The client went away: nothing more to send.
            }
        }
    }

    private async Task WriteEndAsync(HttpResponse response, CancellationToken aborted)
    {
        var (finishReason, error) = OpenAiGenerationStart.Outcome(generation.Summary);
        if (error is not null)
        {
            // Headers are sent: the error travels as an event, as OpenAI's own stream does.
            await ServerSentEvents.WriteAsync(response, error.Body, aborted);
        }
        else
        {
            await ServerSentEvents.WriteAsync(response, shape.Finish(finishReason!), aborted);
            if (includeUsage)
            {
                await ServerSentEvents.WriteAsync(response, shape.Usage(OpenAiGenerationStart.UsageOf(generation.Summary)), aborted);
            }
        }

        await ServerSentEvents.WriteDoneAsync(response, aborted);
    }
}
