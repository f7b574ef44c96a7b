using System.Numerics.Tensors;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Serving.Engines;

namespace WebChat.Tests.E2E.Api;

/// <summary>
/// A remote engine's embedding model as an embedder, against a real second server: this WebChat's own /v1/embeddings
/// (the embedded MiniLM behind API keys), reached through the OpenAI SDK as any OpenAI-compatible engine would be.
/// </summary>
public sealed class RemoteEmbedderTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    [Fact]
    public async Task An_engines_embedding_model_embeds_through_its_v1_embeddings_the_same_vectors_as_the_model_run_here()
    {
        var user = await app.CreateUserWithKeyAsync();
        var engine = new RemoteEngineState(null, "second", new Uri(app.BaseAddress, "v1").ToString(), EngineKinds.OpenAi, user.Key, fromConfiguration: true, TimeSpan.FromSeconds(30));
        var catalog = new EmbedderCatalog([new UnusedBuiltIn()], [new RemoteEmbedderSource(() => [engine])]);
        string[] texts = ["The cat sleeps on the sofa.", "Quarterly revenue rose by four percent.", "A kitten naps on the couch."];

        Assert.Equal(384, await catalog.ProbeAsync("second/minilm-l6-v2"));
        var remote = catalog.Get("second/minilm-l6-v2");
        var vectors = await remote.EmbedAsync(texts);

        Assert.Equal(384, remote.Dimensions);
        Assert.All(vectors, v => Assert.Equal(1.0, TensorPrimitives.Norm(v), 3));
        using var local = new MiniLmEmbedder();
        var expected = await local.EmbedAsync(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(expected[i], vectors[i]) > 0.999f, $"text {i} came back as another vector (order or model differs)");
        }

        // A key the second server does not know: the engine refuses, and the message says so.
        var refused = new RemoteEngineState(null, "second", engine.BaseUrl, EngineKinds.OpenAi, "wc-not-a-key", fromConfiguration: true, TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<WebChat.Services.Knowledge.KnowledgeException>(() => new RemoteEmbedder("second/minilm-l6-v2", () => [refused]).EmbedAsync(texts));
        Assert.Contains("the engine refused the API key (401)", error.Message, StringComparison.Ordinal);
    }

    // The catalog needs one built-in embedder; this test never uses it.
    private sealed class UnusedBuiltIn : ITextEmbedder
    {
        private static readonly float[] Unit = [1f];

        public string Name => "unused";
        public int Dimensions => 1;
        public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) => Task.FromResult(texts.Select(_ => Unit.ToArray()).ToArray());
    }
}
