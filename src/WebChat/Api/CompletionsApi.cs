using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using WebChat.Api.OpenAi;

namespace WebChat.Api;

/// <summary>POST /v1/completions: a plain prompt, for editors' autocompletion tools; streaming and whole.</summary>
public static class CompletionsApi
{
    public static RouteGroupBuilder MapCompletionsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/completions", CreateAsync)
            .Produces<TextCompletion>(contentType: "application/json")
            .Produces<OpenAiErrorBody>(StatusCodes.Status400BadRequest)
            .WithName("CreateCompletion")
            .WithSummary("Continues a prompt with the loaded model (sent through its chat template as one user turn).");
        return v1;
    }

    public static async Task<Results<OpenAiStreamResult, JsonHttpResult<TextCompletion>, OpenAiError>> CreateAsync(
        HttpContext http, [AsParameters] OpenAiServices services)
    {
        var aborted = http.RequestAborted;
        var (body, readError) = await OpenAiRequestReader.ReadAsync<CompletionRequest>(http.Request, aborted);
        if (readError is not null)
        {
            return readError;
        }

        var (request, mapError) = OpenAiRequestMapper.MapCompletion(body!);
        if (mapError is not null)
        {
            return mapError;
        }

        var (generation, startError) = await OpenAiGenerationStart.StartAsync(services, ApiKeyAuthentication.CallerOf(http), request!, aborted);
        if (startError is not null || generation is null)
        {
            return startError!;
        }

        var id = "cmpl-" + Guid.NewGuid().ToString("N");
        var created = services.Time.GetUtcNow().ToUnixTimeSeconds();
        if (request!.Stream)
        {
            return new OpenAiStreamResult(generation, new TextChunkShape(id, created, generation.Model), request.IncludeUsage);
        }

        await using (generation)
        {
            var text = new StringBuilder();
            await foreach (var piece in generation.ReadTextAsync())
            {
                text.Append(piece);
            }

            var (finishReason, error) = OpenAiGenerationStart.Outcome(generation.Summary);
            return error ?? (Results<OpenAiStreamResult, JsonHttpResult<TextCompletion>, OpenAiError>)TypedResults.Json(
                new TextCompletion(id, created, generation.Model, [new TextCompletionChoice(0, text.ToString()) { FinishReason = finishReason }])
                {
                    Usage = OpenAiGenerationStart.UsageOf(generation.Summary),
                },
                OpenAiJson.Options);
        }
    }

    private sealed class TextChunkShape(string id, long created, string model) : IChunkShape
    {
        public object? Opening() => null;

        public object Text(string text) => new TextCompletion(id, created, model, [new TextCompletionChoice(0, text)]);

        public object Finish(string finishReason) =>
            new TextCompletion(id, created, model, [new TextCompletionChoice(0, "") { FinishReason = finishReason }]);

        public object Usage(OpenAiUsage usage) => new TextCompletion(id, created, model, []) { Usage = usage };
    }
}
