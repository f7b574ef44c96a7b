using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using WebChat.Api.OpenAi;

namespace WebChat.Api;

/// <summary>POST /v1/chat/completions, streaming (server-sent events) and whole.</summary>
public static class ChatCompletionsApi
{
    public static RouteGroupBuilder MapChatCompletionsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/chat/completions", CreateAsync)
            .WithName("CreateChatCompletion")
            .Produces<ChatCompletion>(contentType: "application/json") // with "stream": true, ChatCompletionChunk events instead
            .Produces<OpenAiErrorBody>(StatusCodes.Status400BadRequest)
            .WithSummary("Answers a conversation with the loaded model, as OpenAI's chat completions do.");
        return v1;
    }

    public static async Task<Results<OpenAiStreamResult, JsonHttpResult<ChatCompletion>, OpenAiError>> CreateAsync(
        HttpContext http, [AsParameters] OpenAiServices services)
    {
        var aborted = http.RequestAborted;
        var (body, readError) = await OpenAiRequestReader.ReadAsync<ChatCompletionRequest>(http.Request, aborted);
        if (readError is not null)
        {
            return readError;
        }

        var (request, mapError) = OpenAiRequestMapper.MapChat(body!);
        if (mapError is not null)
        {
            return mapError;
        }

        var (generation, startError) = await OpenAiGenerationStart.StartAsync(services, ApiKeyAuthentication.CallerOf(http), request!, aborted);
        if (startError is not null || generation is null)
        {
            return startError!;
        }

        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = services.Time.GetUtcNow().ToUnixTimeSeconds();
        if (request!.Stream)
        {
            return new OpenAiStreamResult(generation, new ChatChunkShape(id, created, generation.Model), request.IncludeUsage);
        }

        await using (generation)
        {
            var text = new StringBuilder();
            await foreach (var piece in generation.ReadTextAsync())
            {
                text.Append(piece);
            }

            var (finishReason, error) = OpenAiGenerationStart.Outcome(generation.Summary);
            return error ?? (Results<OpenAiStreamResult, JsonHttpResult<ChatCompletion>, OpenAiError>)TypedResults.Json(new ChatCompletion(
                id, created, generation.Model,
                [new ChatCompletionChoice(0, new AssistantMessage(text.ToString()), finishReason!)],
                OpenAiGenerationStart.UsageOf(generation.Summary)), OpenAiJson.Options);
        }
    }

    private sealed class ChatChunkShape(string id, long created, string model) : IChunkShape
    {
        public object? Opening() => Chunk(new ChunkChoice(0, new ChunkDelta("assistant", "")));

        public object Text(string text) => Chunk(new ChunkChoice(0, new ChunkDelta(Content: text)));

        public object Finish(string finishReason) => Chunk(new ChunkChoice(0, new ChunkDelta()) { FinishReason = finishReason });

        public object Usage(OpenAiUsage usage) => new ChatCompletionChunk(id, created, model, []) { Usage = usage };

        private ChatCompletionChunk Chunk(ChunkChoice choice) => new(id, created, model, [choice]);
    }
}
