using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using WebChat.Api.OpenAi;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Chunking;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Quotas;

namespace WebChat.Api;

/// <summary>
/// POST /v1/embeddings in OpenAI's shape with the server's embedders (the embedded all-MiniLM-L6-v2 by default), under
/// the same keys, quotas and usage records as the rest of /v1. Tokens are counted with the estimate knowledge uses.
/// </summary>
public static class EmbeddingsApi
{
    public const int MaxInputs = 2048;

    public static RouteGroupBuilder MapEmbeddingsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/embeddings", CreateAsync)
            .WithName("CreateEmbeddings")
            .Produces<EmbeddingList>(contentType: "application/json")
            .Produces<OpenAiErrorBody>(StatusCodes.Status400BadRequest)
            .WithSummary("Embeds a string or an array of strings with the server's embedder (all-MiniLM-L6-v2, 384 dimensions).");
        return v1;
    }

    public static async Task<Results<JsonHttpResult<EmbeddingList>, OpenAiError>> CreateAsync(
        HttpContext http, EmbedderCatalog embedders, QuotaService quotas, EmbeddingUsageWriter usage)
    {
        var aborted = http.RequestAborted;
        var (body, readError) = await OpenAiRequestReader.ReadAsync<EmbeddingRequest>(http.Request, aborted);
        if (readError is not null)
        {
            return readError;
        }

        var (inputs, inputError) = Inputs(body!.Input);
        if (inputError is not null)
        {
            return inputError;
        }

        var embedder = await ResolveAsync(embedders, body.Model, aborted);
        if (embedder is null)
        {
            return OpenAiError.NotFound($"The embedding model '{body.Model}' does not exist; use '{embedders.BuiltIn.Name}'.", "model", "model_not_found");
        }

        var base64 = body.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => (bool?)null,
        };
        if (base64 is null)
        {
            return OpenAiError.BadRequest("'encoding_format' is 'float' or 'base64'.", "encoding_format");
        }

        if (body.Dimensions is { } dimensions && embedder.Dimensions > 0 && dimensions != embedder.Dimensions)
        {
            return OpenAiError.BadRequest($"'{embedder.Name}' gives {embedder.Dimensions} dimensions; 'dimensions' cannot change that.", "dimensions");
        }

        var caller = ApiKeyAuthentication.CallerOf(http);
        try
        {
            using var lease = await quotas.AcquireAsync(caller.UserId, aborted);
            var vectors = await embedder.EmbedAsync(inputs!, aborted);
            var tokens = inputs!.Sum(TokenCounter.Count);
            await usage.WriteAsync(caller, embedder.Name, tokens, aborted);
            var data = vectors.Select((v, i) => new EmbeddingData(i, base64.Value ? Convert.ToBase64String(VectorCodec.ToBytes(v)) : v)).ToList();
            return TypedResults.Json(new EmbeddingList(data, embedder.Name, new EmbeddingUsage(tokens, tokens)), OpenAiJson.Options);
        }
        catch (QuotaExceededException e)
        {
            return OpenAiError.TooManyRequests(e.Message, "quota_exceeded", e.RetryAfter);
        }
        catch (KnowledgeException e)
        {
            // The default embedder is a remote engine that is down, or a GGUF model no longer in the Library.
            return OpenAiError.Unavailable(e.Message, "embedder_unavailable");
        }
    }

    /// <summary>
    /// The built-in embedder answers to its own name, to OpenAI-style names of the same model and to no name at all;
    /// the admin's default embedder (a GGUF or remote one) to its name. Other GGUF models are not loaded for a caller:
    /// each would take a model's memory beside the chat's.
    /// </summary>
    private static async Task<ITextEmbedder?> ResolveAsync(EmbedderCatalog embedders, string? model, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(model) || model.Contains("minilm", StringComparison.OrdinalIgnoreCase))
        {
            return embedders.BuiltIn;
        }

        if (embedders.IsBuiltIn(model))
        {
            return embedders.Get(model);
        }

        var chosen = await embedders.DefaultAsync(cancellationToken);
        return chosen.Name == model ? chosen : null;
    }

    private static (IReadOnlyList<string>? Inputs, OpenAiError? Error) Inputs(JsonElement input)
    {
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return Check([input.GetString()!]);
            case JsonValueKind.Array when input.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                return Check(input.EnumerateArray().Select(e => e.GetString()!).ToList());
            case JsonValueKind.Array:
                return (null, OpenAiError.BadRequest("'input' must be a string or an array of strings (token arrays are not accepted).", "input"));
            default:
                return (null, OpenAiError.BadRequest("'input' is required: a string or an array of strings.", "input"));
        }

        static (IReadOnlyList<string>?, OpenAiError?) Check(IReadOnlyList<string> values) =>
            values.Count == 0 || values.Count > MaxInputs
                ? (null, OpenAiError.BadRequest($"'input' holds 1 to {MaxInputs} strings.", "input"))
                : values.Any(string.IsNullOrEmpty)
                    ? (null, OpenAiError.BadRequest("'input' may not contain an empty string.", "input"))
                    : (values, null);
    }
}
