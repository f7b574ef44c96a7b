using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using WebChat.Api.OpenAi;

namespace WebChat.Api;

/// <summary>
/// The OpenAPI document of the /v1 API (served at /openapi/v1.json, rendered in docs/api/openapi.md): only the /v1
/// routes, with the bearer key they all need.
/// </summary>
internal static class OpenAiApiDescription
{
    public const string DocumentName = "v1";

    // The handlers read their bodies themselves (any content type, OpenAI's error shape), so the request bodies are
    // described here: Accepts<T>() would also make routing refuse a body not labelled application/json.
    private static readonly Dictionary<string, Type> RequestBodies = new(StringComparer.Ordinal)
    {
        ["CreateChatCompletion"] = typeof(ChatCompletionRequest),
        ["CreateCompletion"] = typeof(CompletionRequest),
        ["CreateEmbeddings"] = typeof(EmbeddingRequest),
    };

    public static void Configure(OpenApiOptions options)
    {
        options.ShouldInclude = description => description.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) == true
                                               && !description.RelativePath.Contains("{*", StringComparison.Ordinal);
        // The API writes and reads snake_case (OpenAiJson), not the host's default camelCase.
        options.AddSchemaTransformer((schema, _, _) =>
        {
            if (schema.Properties is { Count: > 0 } properties)
            {
                schema.Properties = properties.ToDictionary(
                    property => JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Key), property => property.Value);
                schema.Required = schema.Required?.Select(JsonNamingPolicy.SnakeCaseLower.ConvertName).ToHashSet();
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (operation.OperationId is { } id && RequestBodies.TryGetValue(id, out var type) && context.Document is { } document)
            {
                document.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference(type.Name, document) },
                    },
                };
            }
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Servers = []; // the address a client used is its own business, and the docs' copy stays the same
            document.Info = new OpenApiInfo
            {
                Title = "WebChat OpenAI-compatible API",
                Version = "v1",
                Description = "OpenAI's chat completions, completions, embeddings and models under /v1, answered by WebChat's engines. " +
                              "Every request needs `Authorization: Bearer <key>` with a key from Settings › API keys; errors come in OpenAI's shape.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key from Settings › API keys.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] }];
            return Task.CompletedTask;
        });
    }
}
