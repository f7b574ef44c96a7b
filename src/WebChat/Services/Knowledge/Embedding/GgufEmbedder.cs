using System.Text;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using WebChat.Engine.Inference;
using WebChat.Engine.Inference.Native;

namespace WebChat.Services.Knowledge.Embedding;

/// <summary>
/// A GGUF model of the Library as an embedder, through LLamaSharp's <see cref="LLamaEmbedder"/> (mean pooling, vectors
/// made unit length). It has its own weights and context, apart from the chat engine's model, loaded on first use and
/// freed on shutdown. One text at a time: a context holds one sequence and llama.cpp decodes one batch at a time anyway.
/// </summary>
public sealed class GgufEmbedder(
    string name,
    string modelId,
    Func<CancellationToken, Task<string?>> findPath,
    NativeLibrarySelection? nativeLibrary = null,
    int? threads = null) : ITextEmbedder, IDisposable
{
    /// <summary>Tokens a passage may have at most; a longer one is cut (passages are ~160 tokens, far below).</summary>
    public const uint MaxContext = 2048;

    private readonly SemaphoreSlim gate = new(1, 1);
    private LLamaWeights? weights;
    private LLamaEmbedder? embedder;
    private uint contextSize;
    private int dimensions;
    private bool disposed;

    public string Name => name;

    /// <summary>The model's embedding width; 0 until it has been loaded.</summary>
    public int Dimensions => Volatile.Read(ref dimensions);

    public bool IsLoaded => Volatile.Read(ref embedder) is not null;

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var model = embedder ?? await LoadAsync(cancellationToken);
            var vectors = new float[texts.Count][];
            for (var i = 0; i < texts.Count; i++)
            {
                var text = Fit(texts[i], contextSize);
                // Off the caller's thread: decoding is native and synchronous under LLamaSharp's async surface.
                var pooled = await Task.Run(() => model.GetEmbeddings(text, cancellationToken), cancellationToken);
                vectors[i] = UnitVector.Normalize([.. pooled[0]]);
            }

            return vectors;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<LLamaEmbedder> LoadAsync(CancellationToken cancellationToken)
    {
        var path = await findPath(cancellationToken);
        if (path is null || !File.Exists(path))
        {
            throw new KnowledgeException($"The embedder \"{name}\" is unavailable: the model {modelId} is not in the Library any more. " +
                "Nothing was deleted: install the model again, or move the collection to another embedder.");
        }

        if (nativeLibrary is not null)
        {
            await nativeLibrary.ApplyAsync(); // the app's choice of llama.cpp build, made before any native call
        }

        var cores = threads ?? PhysicalCores.Count();
        var parameters = new ModelParams(path)
        {
            Embeddings = true,
            PoolingType = LLamaPoolingType.Mean,
            GpuLayerCount = 0,
            Threads = cores,
            BatchThreads = cores,
        };
        try
        {
            weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken);
            // A passage is decoded whole in one batch (pooling needs every token of it in one micro-batch).
            var context = Math.Min(MaxContext, (uint)Math.Max(64, weights.ContextSize));
            parameters.ContextSize = context;
            parameters.BatchSize = context;
            parameters.UBatchSize = context;
            // LLamaEmbedder makes a context of these parameters for each text and frees it after.
            embedder = new LLamaEmbedder(weights, parameters);
            contextSize = context;
        }
        catch (Exception e) when (e is LoadWeightsFailedException or RuntimeError)
        {
            weights?.Dispose();
            weights = null;
            throw new KnowledgeException($"The embedder \"{name}\" is unavailable: {Path.GetFileName(path)} could not be loaded as an embedding model ({e.Message}).");
        }

        Volatile.Write(ref dimensions, embedder.EmbeddingSize);
        return embedder;
    }

    // A text longer than the context cannot be embedded at all: its tail is cut, which for a search passage loses the
    // least (the heading and first sentences carry most of its meaning).
    private string Fit(string text, uint contextSize)
    {
        var limit = (int)contextSize - 4;
        var count = weights!.Tokenize(text, true, true, Encoding.UTF8).Length;
        while (count > limit && text.Length > 1)
        {
            text = text[..Math.Max(1, (int)(text.Length * (limit / (double)count) * 0.95))];
            count = weights.Tokenize(text, true, true, Encoding.UTF8).Length;
        }

        return text;
    }

    public void Dispose()
    {
        gate.Wait();
        try
        {
            disposed = true;
            embedder?.Dispose();
            weights?.Dispose();
            embedder = null;
            weights = null;
        }
        finally
        {
            gate.Release();
        }
    }
}
