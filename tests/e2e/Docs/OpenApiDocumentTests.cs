using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebChat.Tests.E2E.Api;
using WebChat.Tests.E2E.Examples;
using WebChat.Tests.Support.Files;

namespace WebChat.Tests.E2E.Docs;

/// <summary>
/// /openapi/v1.json describes the /v1 API, needs no sign-in, and the docs carry its current copy
/// (docs/api/openapi.json) and a rendering of it (docs/api/openapi.md). WEBCHAT_WRITE_DOCS=1 rewrites both.
/// </summary>
public sealed class OpenApiDocumentTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    [Fact]
    public async Task The_api_description_is_public_and_lists_every_v1_route_with_its_request_body()
    {
        using var anonymous = new HttpClient { BaseAddress = app.BaseAddress };
        var json = await anonymous.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative));
        var document = JsonNode.Parse(json)!;

        var paths = document["paths"]!.AsObject().Select(path => path.Key).ToList();
        Assert.Contains("/v1/models", paths);
        Assert.Contains("/v1/chat/completions", paths);
        Assert.Contains("/v1/completions", paths);
        Assert.All(paths, path => Assert.StartsWith("/v1/", path, StringComparison.Ordinal));
        Assert.Equal("#/components/schemas/ChatCompletionRequest",
            document["paths"]!["/v1/chat/completions"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(document["components"]!["schemas"]!["ChatCompletionRequest"]!["properties"]!["messages"]);
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["ApiKey"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_docs_copy_of_the_api_description_and_its_page_are_current()
    {
        using var anonymous = new HttpClient { BaseAddress = app.BaseAddress };
        var document = JsonNode.Parse(await anonymous.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative)))!;
        var json = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var markdown = OpenApiMarkdown.Render(document);
        var folder = Path.Combine(Repository.Root, "docs", "api");
        if (Environment.GetEnvironmentVariable("WEBCHAT_WRITE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "openapi.json"), json);
            await File.WriteAllTextAsync(Path.Combine(folder, "openapi.md"), markdown);
        }

        const string Fix = "docs/api is out of date: run `WEBCHAT_WRITE_DOCS=1 dotnet test tests/e2e --filter OpenApiDocumentTests`.";
        Assert.True(json == (await File.ReadAllTextAsync(Path.Combine(folder, "openapi.json"))).ReplaceLineEndings("\n"), Fix);
        Assert.True(markdown == (await File.ReadAllTextAsync(Path.Combine(folder, "openapi.md"))).ReplaceLineEndings("\n"), Fix);
    }
}

/// <summary>An OpenAPI 3 document as a Markdown page: each operation, its request body's fields and its responses.</summary>
internal static class OpenApiMarkdown
{
    public static string Render(JsonNode document)
    {
        var text = new StringBuilder();
        text.Append("# OpenAPI description\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{document["info"]?["description"]}\n\n");
        text.Append("The running server serves this description at `/openapi/v1.json` (no sign-in needed); the copy here is ");
        text.Append("[openapi.json](openapi.json), kept current by a test. Import it into any OpenAPI tool.\n");
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                text.Append(CultureInfo.InvariantCulture, $"\n## {method.ToUpperInvariant()} {path}\n\n{operation!["summary"]}\n");
                if (operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>() is { } body)
                {
                    text.Append("\nRequest body (`application/json`):\n\n");
                    AppendFields(text, document, body);
                }

                text.Append("\nResponses:\n\n");
                foreach (var (status, response) in operation["responses"]!.AsObject())
                {
                    var content = response!["content"]?.AsObject().Select(media => $"`{media.Key}` {SchemaName(media.Value!["schema"])}") ?? [];
                    text.Append(CultureInfo.InvariantCulture, $"- {status} {response["description"]}: {string.Join(", ", content)}\n");
                }
            }
        }

        return text.ToString();
    }

    private static void AppendFields(StringBuilder text, JsonNode document, string reference)
    {
        var schema = Resolve(document, reference);
        text.Append("| Field | Type |\n| --- | --- |\n");
        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{name}` | {SchemaName(property).Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }
    }

    private static JsonNode Resolve(JsonNode document, string reference) =>
        document["components"]!["schemas"]![reference[(reference.LastIndexOf('/') + 1)..]]!;

    private static string SchemaName(JsonNode? schema) => schema switch
    {
        null => "",
        _ when schema["$ref"]?.GetValue<string>() is { } reference => reference[(reference.LastIndexOf('/') + 1)..],
        _ when schema["type"] is JsonArray types => string.Join(" or ", types.Select(type => type!.GetValue<string>())),
        _ when schema["type"]?.GetValue<string>() == "array" => $"array of {SchemaName(schema["items"])}",
        _ => schema["type"]?.GetValue<string>() ?? "any",
    };
}
