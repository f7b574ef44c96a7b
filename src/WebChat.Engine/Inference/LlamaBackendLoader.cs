using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebChat.Engine.Inference.Native;

namespace WebChat.Engine.Inference;

/// <summary>Loads GGUF files with LLamaSharp into a <see cref="LlamaBackend"/>, after the fit check.</summary>
internal sealed class LlamaBackendLoader : IBackendLoader
{
    private readonly IModelFitCheck _fitCheck;
    private readonly InferenceOptions _options;
    private readonly NativeLibrarySelection _nativeLibrary;

    public LlamaBackendLoader(IModelFitCheck fitCheck, IOptions<InferenceOptions> options, NativeLibrarySelection nativeLibrary)
    {
        _fitCheck = fitCheck;
        _options = options.Value;
        _nativeLibrary = nativeLibrary;
    }

    public async Task<IInferenceBackend> LoadAsync(ModelLoadOptions options, IProgress<double> progress, CancellationToken cancellationToken)
    {
        await _nativeLibrary.ApplyAsync();
        var gpuLayers = await _fitCheck.CheckAsync(options, cancellationToken);
        var parameters = CreateParameters(options, gpuLayers, _options.PrefillChunkTokens);
        LLamaWeights weights;
        IReadOnlyList<string> bufferLines;
        try
        {
            (weights, bufferLines) = await NativeLogRouter.CaptureModelBuffersAsync(
                () => LLamaWeights.LoadFromFileAsync(parameters, cancellationToken, new InlineProgress<float>(p => progress.Report(p))));
        }
        catch (LoadWeightsFailedException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelLoadException($"{Path.GetFileName(options.ModelPath)} could not be loaded as a model (not a GGUF, or an unsupported architecture).", exception);
        }

        try
        {
            var name = weights.Metadata.GetValueOrDefault("general.name") ?? Path.GetFileNameWithoutExtension(options.ModelPath);
            return new LlamaBackend(weights, parameters, options.ParallelSequences, options.ContextPerSequence, name, _options.FallbackTemplate)
            {
                WeightBuffers = WeightBuffer.Parse(bufferLines),
            };
        }
        catch (Exception exception) when (exception is RuntimeError or LLamaDecodeError)
        {
            weights.Dispose();
            throw new ModelLoadException($"A context for {Path.GetFileName(options.ModelPath)} could not be created: {exception.Message}", exception);
        }
    }

    // One context holds every sequence; a batch holds one prefill chunk plus one token per sequence.
    internal static ModelParams CreateParameters(ModelLoadOptions options, int gpuLayers, int prefillChunkTokens)
    {
        var batch = (uint)(prefillChunkTokens + options.ParallelSequences);
        var threads = options.Threads ?? PhysicalCores.Count();
        var kvType = options.KvCacheType switch
        {
            KvCacheType.Q8_0 => GGMLType.GGML_TYPE_Q8_0,
            KvCacheType.Q4_0 => GGMLType.GGML_TYPE_Q4_0,
            _ => GGMLType.GGML_TYPE_F16,
        };
        return new ModelParams(options.ModelPath)
        {
            ContextSize = (uint)(options.ContextPerSequence * options.ParallelSequences),
            SeqMax = (uint)options.ParallelSequences,
            BatchSize = batch,
            UBatchSize = batch,
            Threads = threads,
            BatchThreads = options.BatchThreads ?? threads,
            GpuLayerCount = gpuLayers,
            TypeK = kvType,
            TypeV = kvType,
            FlashAttention = options.FlashAttention ? null : false, // null: auto, on where the backend supports it.
        };
    }
}
