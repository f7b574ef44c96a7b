using System.ClientModel;
using WebChat.Services.Serving.Engines;

namespace WebChat.Services.Knowledge.Embedding;

/// <summary>
/// A remote engine's embedding model, named "engine/model", through its /v1/embeddings with the OpenAI SDK's
/// <see cref="OpenAI.Embeddings.EmbeddingClient"/>. The engine is looked up at each call, so a name stored with a
/// collection keeps meaning the same thing while engines are reloaded, edited or down.
/// </summary>
public sealed class RemoteEmbedder(string name, Func<IReadOnlyList<RemoteEngineState>> engines) : ITextEmbedder
{
    // OpenAI takes up to 2048 inputs; smaller requests keep a slow engine's timeout and a cancellation prompt.
    private const int BatchSize = 64;

    private int dimensions;

    public string Name => name;

    /// <summary>The model's vector length; 0 until it has answered once.</summary>
    public int Dimensions => Volatile.Read(ref dimensions);

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        // The longest engine name that prefixes the stored name, since a name may itself hold a "/".
        var engine = engines().Where(e => name.StartsWith(e.Name + "/", StringComparison.Ordinal)).MaxBy(e => e.Name.Length)
            ?? throw new KnowledgeException($"The embedder \"{name}\" is unavailable: no remote engine of that name is configured any more (Admin › Engines). " +
                "Nothing was deleted: add the engine again, or move the collection to another embedder.");
        var client = engine.Client.GetEmbeddingClient(name[(engine.Name.Length + 1)..]);
        var vectors = new List<float[]>(texts.Count);
        for (var start = 0; start < texts.Count; start += BatchSize)
        {
            var batch = texts.Skip(start).Take(BatchSize).ToList();
            try
            {
                var result = await client.GenerateEmbeddingsAsync(batch, cancellationToken: cancellationToken);
                vectors.AddRange(result.Value.OrderBy(e => e.Index).Select(e => UnitVector.Normalize(e.ToFloats().ToArray())));
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is ClientResultException or HttpRequestException or OperationCanceledException or IOException)
            {
                throw new KnowledgeException($"The embedder \"{name}\" is unavailable: {RemoteEngines.Describe(e).Words}. " +
                    "Nothing was deleted: try again when the engine is back, or move the collection to another embedder.");
            }
        }

        if (vectors.Count != texts.Count)
        {
            throw new KnowledgeException($"The embedder \"{name}\" answered {vectors.Count} vectors for {texts.Count} texts.");
        }

        Volatile.Write(ref dimensions, vectors[0].Length);
        return [.. vectors];
    }
}
