using Microsoft.AspNetCore.Http.HttpResults;
using WebChat.Api.OpenAi;
using WebChat.Services.Api;

namespace WebChat.Api;

/// <summary>GET /v1/models: the models the caller may use (the chat's offer rules); a request naming one loads it on demand.</summary>
public static class ModelsApi
{
    public static RouteGroupBuilder MapModelsApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/models", ListAsync)
            .WithName("ListModels")
            .Produces<ModelList>(contentType: "application/json")
            .WithSummary("The installed models, as OpenAI's model list.");
        return v1;
    }

    public static async Task<JsonHttpResult<ModelList>> ListAsync(HttpContext http, ApiModels models, CancellationToken cancellationToken)
    {
        var list = await models.ListAsync(ApiKeyAuthentication.CallerOf(http), cancellationToken);
        // The loaded model first: tools that pick the first entry get the one that answers.
        return TypedResults.Json(new ModelList(list
            .OrderByDescending(m => m.IsLoaded)
            .Select(m => new ModelEntry(m.Id, new DateTimeOffset(m.InstalledAt, TimeSpan.Zero).ToUnixTimeSeconds()))
            .ToList()), OpenAiJson.Options);
    }
}
