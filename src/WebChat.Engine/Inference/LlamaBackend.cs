using System.Text;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;

namespace WebChat.Engine.Inference;

/// <summary>
/// The real backend: one LLamaSharp context whose sequences share one batch, decoded synchronously on the
/// scheduler's own thread. Positions and the batch index of each sequence's logits are kept here, so a step costs
/// one llama_decode and nothing else: no thread hop per step (an OpenMP team belongs to the calling thread) and no
/// per-sequence objects. Every member except the tokenizer and template ones is called from the scheduler's loop only.
/// </summary>
internal sealed class LlamaBackend : IInferenceBackend
{
    private readonly LLamaWeights _weights;
    private readonly ModelParams _contextParams;
    private readonly string? _templateSource;
    private readonly ChatSamplingPipeline?[] _samplers;

    // Tokens each sequence holds in the KV cache (including queued ones), and where its last queued token sits in the batch.
    private readonly int[] _positions;
    private readonly int[] _logitIndex;
    private readonly LLamaBatch _batch = new();
    private LLamaContext _context;

    public LlamaBackend(LLamaWeights weights, ModelParams contextParams, int sequenceCount, int contextPerSequence, string modelName, string fallbackTemplate)
    {
        _weights = weights;
        _contextParams = contextParams;
        SequenceCount = sequenceCount;
        ContextPerSequence = contextPerSequence;
        ModelName = modelName;
        _samplers = new ChatSamplingPipeline?[sequenceCount];
        _positions = new int[sequenceCount];
        _logitIndex = new int[sequenceCount];
        Array.Fill(_logitIndex, -1);

        var own = weights.NativeHandle.GetTemplate(null, strict: false);
        _templateSource = own ?? fallbackTemplate;
        TemplateName = own is null ? fallbackTemplate : "model";
        _context = CreateContext();
    }

    public string ModelName { get; }

    public IReadOnlyList<WeightBuffer> WeightBuffers { get; init; } = [];
    public int SequenceCount { get; }
    public int ContextPerSequence { get; }
    public string TemplateName { get; }

    public string ApplyTemplate(IReadOnlyList<ChatTurn> turns)
    {
        // A new LLamaTemplate per call: it keeps state and callers render concurrently.
        var template = new LLamaTemplate(_templateSource) { AddAssistant = true };
        foreach (var turn in turns)
        {
            template.Add(RoleName(turn.Role), turn.Content);
        }

        try
        {
            return Encoding.UTF8.GetString(template.Apply());
        }
        catch (MissingTemplateException exception)
        {
            throw new ChatTemplateException(
                TemplateName == "model"
                    ? "The model's chat template is not one llama.cpp knows, so it cannot be used to chat."
                    : $"The fallback chat template \"{TemplateName}\" is not one llama.cpp knows; set Inference:FallbackTemplate to e.g. chatml.",
                exception);
        }
    }

    public int[] Tokenize(string text)
    {
        var tokens = _weights.NativeHandle.Tokenize(text, _weights.NativeHandle.Vocab.ShouldAddBOS, special: true, Encoding.UTF8);
        return Array.ConvertAll(tokens, t => (int)t);
    }

    public byte[] TokenBytes(int token)
    {
        Span<byte> buffer = stackalloc byte[64];
        var length = (int)_weights.NativeHandle.TokenToSpan(token, buffer);
        if (length <= buffer.Length)
        {
            return buffer[..length].ToArray();
        }

        var large = new byte[length];
        _weights.NativeHandle.TokenToSpan(token, large);
        return large;
    }

    public bool IsEndOfGeneration(int token) => ((LLamaToken)token).IsEndOfGeneration(_weights.NativeHandle.Vocab);

    public void Prompt(int sequence, ReadOnlySpan<int> tokens)
    {
        var id = (LLamaSeqId)sequence;
        for (var i = 0; i < tokens.Length; i++)
        {
            // Logits only for the last token: the next answer token comes from there.
            var index = _batch.Add(tokens[i], _positions[sequence]++, id, i == tokens.Length - 1);
            if (i == tokens.Length - 1)
            {
                _logitIndex[sequence] = index;
            }
        }
    }

    public void Truncate(int sequence, int keep)
    {
        if (keep >= _positions[sequence])
        {
            return;
        }

        _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)sequence, keep, -1);
        _positions[sequence] = keep;
        _logitIndex[sequence] = -1;
    }

    public DecodeOutcome Decode()
    {
        if (_batch.TokenCount == 0)
        {
            return DecodeOutcome.Ok;
        }

        var result = _context.Decode(_batch);
        switch (result)
        {
            case DecodeResult.Ok:
                _batch.Clear();
                return DecodeOutcome.Ok;
            case DecodeResult.NoKvSlot:
                return DecodeOutcome.NoKvSlot;
            default:
                throw new LLamaDecodeError(result);
        }
    }

    public void ResetSampler(int sequence, SamplingOptions sampling)
    {
        _samplers[sequence]?.Dispose();
        _samplers[sequence] = new ChatSamplingPipeline(sampling, sampling.Seed ?? (uint)Random.Shared.Next());
    }

    public int Sample(int sequence)
    {
        var index = _logitIndex[sequence];
        var sampler = _samplers[sequence] ?? throw new InvalidOperationException($"Sequence {sequence} has no sampler.");
        return index < 0
            ? throw new InvalidOperationException($"Sequence {sequence} has nothing decoded.")
            : (int)sampler.Sample(_context.NativeHandle, index);
    }

    public void Reset()
    {
        _batch.Clear();
        Array.Clear(_positions);
        Array.Fill(_logitIndex, -1);
        _context.Dispose();
        _context = CreateContext();
    }

    // LLamaSharp hands back a context over a null handle when llama.cpp refuses to create one; the first decode would then crash the process.
    private LLamaContext CreateContext()
    {
        var context = _weights.CreateContext(_contextParams);
        if (!context.NativeHandle.IsInvalid)
        {
            return context;
        }

        context.Dispose();
        var kvCache = _contextParams.TypeK is { } type && type != GGMLType.GGML_TYPE_F16
            ? $" with a {type.ToString().Replace("GGML_TYPE_", "", StringComparison.Ordinal)} KV cache (a quantized cache needs a head size divisible by its block size)"
            : "";
        throw new RuntimeError($"llama.cpp refused to create a context{kvCache}; its log says why.");
    }

    public void Dispose()
    {
        foreach (var sampler in _samplers)
        {
            sampler?.Dispose();
        }

        _context.Dispose();
        _weights.Dispose();
    }

    private static string RoleName(ChatRole role) => role switch
    {
        ChatRole.System => "system",
        ChatRole.User => "user",
        _ => "assistant",
    };
}
