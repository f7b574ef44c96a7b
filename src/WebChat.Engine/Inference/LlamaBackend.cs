using System.Text;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using LLama.Sampling;

namespace WebChat.Engine.Inference;

/// <summary>
/// The real backend: LLamaSharp's BatchedExecutor with one Conversation per sequence. Every member except the
/// tokenizer and template ones is called from the scheduler's loop only, including Dispose, so conversations are
/// never finalized on the GC thread.
/// </summary>
internal sealed class LlamaBackend : IInferenceBackend
{
    private readonly LLamaWeights _weights;
    private readonly ModelParams _contextParams;
    private readonly string? _templateSource;
    private readonly Conversation?[] _conversations;
    private readonly DefaultSamplingPipeline?[] _samplers;
    private BatchedExecutor _executor;

    public LlamaBackend(LLamaWeights weights, ModelParams contextParams, int sequenceCount, int contextPerSequence, string modelName, string fallbackTemplate)
    {
        _weights = weights;
        _contextParams = contextParams;
        SequenceCount = sequenceCount;
        ContextPerSequence = contextPerSequence;
        ModelName = modelName;
        _conversations = new Conversation?[sequenceCount];
        _samplers = new DefaultSamplingPipeline?[sequenceCount];

        var own = weights.NativeHandle.GetTemplate(null, strict: false);
        _templateSource = own ?? fallbackTemplate;
        TemplateName = own is null ? fallbackTemplate : "model";
        _executor = CreateExecutor();
    }

    public string ModelName { get; }
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
        var conversation = _conversations[sequence] ??= _executor.Create();
        var native = new LLamaToken[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            native[i] = tokens[i];
        }

        conversation.Prompt(native.AsSpan());
    }

    public void Truncate(int sequence, int keep)
    {
        if (_conversations[sequence] is not { } conversation)
        {
            return;
        }

        if (keep == 0)
        {
            // Disposing removes the sequence from the KV cache and frees its id for the next Create.
            conversation.Dispose();
            _conversations[sequence] = null;
        }
        else if (keep < conversation.TokenCount)
        {
            conversation.Rewind(conversation.TokenCount - keep);
        }
    }

    public async Task<DecodeOutcome> DecodeAsync(CancellationToken shutdown)
    {
        var result = await _executor.Infer(shutdown);
        return result switch
        {
            DecodeResult.Ok => DecodeOutcome.Ok,
            DecodeResult.NoKvSlot => DecodeOutcome.NoKvSlot,
            _ => throw new LLamaDecodeError(result),
        };
    }

    public void ResetSampler(int sequence, SamplingOptions sampling)
    {
        _samplers[sequence]?.Dispose();
        _samplers[sequence] = new DefaultSamplingPipeline
        {
            Temperature = sampling.Temperature,
            TopP = sampling.TopP,
            TopK = sampling.TopK,
            MinP = sampling.MinP,
            RepeatPenalty = sampling.RepeatPenalty,
            Seed = sampling.Seed ?? (uint)Random.Shared.Next(),
        };
    }

    public int Sample(int sequence)
    {
        var conversation = _conversations[sequence] ?? throw new InvalidOperationException($"Sequence {sequence} has nothing decoded.");
        var sampler = _samplers[sequence] ?? throw new InvalidOperationException($"Sequence {sequence} has no sampler.");
        return (int)conversation.Sample(sampler);
    }

    public void Reset()
    {
        DisposeConversations();
        _executor.Dispose();
        _executor = CreateExecutor();
    }

    // LLamaSharp hands back an executor over a null context when llama.cpp refuses to create one; the first decode would then crash the process.
    private BatchedExecutor CreateExecutor()
    {
        var executor = new BatchedExecutor(_weights, _contextParams);
        if (!executor.Context.NativeHandle.IsInvalid)
        {
            return executor;
        }

        executor.Dispose();
        var kvCache = _contextParams.TypeK is { } type && type != GGMLType.GGML_TYPE_F16
            ? $" with a {type.ToString().Replace("GGML_TYPE_", "", StringComparison.Ordinal)} KV cache (a quantized cache needs a head size divisible by its block size)"
            : "";
        throw new RuntimeError($"llama.cpp refused to create a context{kvCache}; its log says why.");
    }

    public void Dispose()
    {
        DisposeConversations();
        foreach (var sampler in _samplers)
        {
            sampler?.Dispose();
        }

        _executor.Dispose();
        _weights.Dispose();
    }

    private void DisposeConversations()
    {
        for (var i = 0; i < _conversations.Length; i++)
        {
            _conversations[i]?.Dispose();
            _conversations[i] = null;
        }
    }

    private static string RoleName(ChatRole role) => role switch
    {
        ChatRole.System => "system",
        ChatRole.User => "user",
        _ => "assistant",
    };
}
