using Microsoft.AspNetCore.Http.HttpResults;
using WebChat.Api.OpenAi;

namespace WebChat.Api;

/// <summary>
/// The OpenAI-compatible API under /v1. Not behind the cookie login: every route needs a bearer API key
/// (<see cref="ApiKeyAuthentication"/>), and answers errors in OpenAI's shape.
/// </summary>
public static class OpenAiApi
{
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1")
            .AllowAnonymous()
            .DisableAntiforgery()
            // First, so that it also covers the key check, which reads the database.
            .AddEndpointFilter(DatabaseOutageFilter.FilterAsync)
            .AddEndpointFilter(ApiKeyAuthentication.FilterAsync);
        v1.MapModelsApi();
        v1.MapChatCompletionsApi();
        v1.MapCompletionsApi();
        v1.MapEmbeddingsApi();
        // Anything else under /v1 gets OpenAI's 404 shape rather than the app's HTML page.
        v1.MapFallback(NotFound);
        return endpoints;
    }

    private static OpenAiError NotFound(HttpContext http) =>
        OpenAiError.NotFound($"There is no {http.Request.Method} {http.Request.Path} in this API.", code: "unknown_url");
}
