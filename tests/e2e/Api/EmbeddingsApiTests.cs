using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Numerics.Tensors;
using System.Text.Json;
using OpenAI;
using OpenAI.Embeddings;

namespace WebChat.Tests.E2E.Api;

/// <summary>POST /v1/embeddings against the real app and its embedded MiniLM embedder, read by the official OpenAI .NET SDK and raw HTTP.</summary>
public sealed class EmbeddingsApiTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    [Fact]
    public async Task The_dotnet_sdk_gets_one_384_dimension_vector_per_input_in_order_with_usage()
    {
        var user = await app.CreateUserWithKeyAsync();
        var client = new EmbeddingClient("all-MiniLM-L6-v2", new ApiKeyCredential(user.Key),
            new OpenAIClientOptions { Endpoint = new Uri(app.BaseAddress, "v1"), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });

        // The SDK asks for base64 by default, so this reads that encoding.
        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(
            ["The cat sleeps on the sofa.", "Quarterly revenue rose by four percent.", "A kitten naps on the couch."]);

        Assert.Equal([0, 1, 2], embeddings.Select(e => e.Index));
        Assert.All(embeddings, e => Assert.Equal(384, e.ToFloats().Length));
        var (cat, revenue, kitten) = (embeddings[0].ToFloats().ToArray(), embeddings[1].ToFloats().ToArray(), embeddings[2].ToFloats().ToArray());
        Assert.True(TensorPrimitives.CosineSimilarity(cat, kitten) > TensorPrimitives.CosineSimilarity(cat, revenue) + 0.2, "order kept: the paraphrase is the third");
        Assert.True(embeddings.Usage.InputTokenCount > 0);
        Assert.Equal(embeddings.Usage.InputTokenCount, embeddings.Usage.TotalTokenCount);
        var usage = await app.UsageOfAsync(user.UserId);
        Assert.Contains(usage, u => u.Model == "minilm-l6-v2" && u.PromptTokens == embeddings.Usage.InputTokenCount && u.ApiKeyId == user.KeyId);
    }

    [Fact]
    public async Task The_openai_npm_package_gets_one_384_dimension_vector_per_input_in_order_with_usage_in_either_encoding()
    {
        var user = await app.CreateUserWithKeyAsync();

        var output = await NodeOpenAi.RunAsync("openai-embeddings.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = new Uri(app.BaseAddress, "v1").ToString(),
            ["API_KEY"] = user.Key,
        });

        var seen = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("list", seen.GetProperty("object").GetString());
        Assert.Equal([0, 1, 2], seen.GetProperty("indices").EnumerateArray().Select(i => i.GetInt32()));
        Assert.Equal([384, 384, 384], seen.GetProperty("dimensions").EnumerateArray().Select(i => i.GetInt32()));
        Assert.True(seen.GetProperty("catKitten").GetDouble() > seen.GetProperty("catRevenue").GetDouble() + 0.2, "order kept: the paraphrase is the third");
        var usage = seen.GetProperty("usage");
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        Assert.True(seen.GetProperty("floatMatchesDefault").GetBoolean(), "the float encoding gives the vector the base64 default gave");
    }

    [Fact]
    public async Task A_string_input_with_float_encoding_gives_the_same_vector_as_base64()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var http = app.ApiClient(user.Key);

        using var asFloats = await http.PostAsJsonAsync("embeddings", new { input = "hello there", model = "minilm-l6-v2", encoding_format = "float" });
        using var asBase64 = await http.PostAsJsonAsync("embeddings", new { input = "hello there", model = "minilm-l6-v2", encoding_format = "base64" });

        var floats = JsonDocument.Parse(await asFloats.Content.ReadAsStringAsync()).RootElement;
        var encoded = JsonDocument.Parse(await asBase64.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("list", floats.GetProperty("object").GetString());
        Assert.Equal("embedding", floats.GetProperty("data")[0].GetProperty("object").GetString());
        var vector = floats.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var decoded = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(encoded.GetProperty("data")[0].GetProperty("embedding").GetString()!)).ToArray();
        Assert.Equal(384, vector.Length);
        Assert.Equal(vector, decoded);
    }

    [Fact]
    public async Task Bad_inputs_get_openai_errors_naming_the_field_and_no_key_gets_401()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var http = app.ApiClient(user.Key);
        using var anonymous = app.ApiClient(null);

        using var tokens = await http.PostAsJsonAsync("embeddings", new { input = TokenArrays });
        using var format = await http.PostAsJsonAsync("embeddings", new { input = "x", encoding_format = "int8" });
        using var model = await http.PostAsJsonAsync("embeddings", new { input = "x", model = "text-embedding-3-large" });
        using var noKey = await anonymous.PostAsJsonAsync("embeddings", new { input = "x" });

        Assert.Equal((HttpStatusCode.BadRequest, "input"), (tokens.StatusCode, await ParamOf(tokens)));
        Assert.Equal((HttpStatusCode.BadRequest, "encoding_format"), (format.StatusCode, await ParamOf(format)));
        Assert.Equal((HttpStatusCode.NotFound, "model"), (model.StatusCode, await ParamOf(model)));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
    }

    private static readonly int[][] TokenArrays = [[1, 2]];

    private static async Task<string?> ParamOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString();
}
