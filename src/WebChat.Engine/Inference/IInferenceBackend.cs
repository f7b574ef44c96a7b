namespace WebChat.Engine.Inference;

/// <summary>Result of one decode step of the backend.</summary>
internal enum DecodeOutcome
{
    Ok,

    /// <summary>The KV cache had no room for the batch; the batch stays queued and may be retried after freeing space.</summary>
    NoKvSlot,
}

/// <summary>
/// One loaded model with a fixed number of sequences sharing one context. Not thread-safe: the scheduler's
/// owner loop makes every call except the tokenizer and template methods, which only read the model.
/// </summary>
internal interface IInferenceBackend : IDisposable
{
    string ModelName { get; }

    /// <summary>Where the weights were put at load (plain CPU memory, repacked buffers, GPU); empty when unknown.</summary>
    IReadOnlyList<WeightBuffer> WeightBuffers => [];

    /// <summary>How many sequences can hold a KV cache at once.</summary>
    int SequenceCount { get; }

    /// <summary>The most tokens one sequence may hold (prompt plus answer).</summary>
    int ContextPerSequence { get; }

    /// <summary>The name of the chat template in use: the model's own ("model") or the fallback's name.</summary>
    string TemplateName { get; }

    /// <summary>Renders the turns through the chat template, ending with the assistant's header.</summary>
    string ApplyTemplate(IReadOnlyList<ChatTurn> turns);

    /// <summary>Tokenizes text, parsing the template's special tokens; adds BOS when the model wants it.</summary>
    int[] Tokenize(string text);

    /// <summary>The raw UTF-8 bytes of a token (may be part of a character); empty for control tokens.</summary>
    byte[] TokenBytes(int token);

    /// <summary>End of generation (EOS, EOT, im_end and similar).</summary>
    bool IsEndOfGeneration(int token);

    /// <summary>Queues tokens of one sequence for the next decode.</summary>
    void Prompt(int sequence, ReadOnlySpan<int> tokens);

    /// <summary>Keeps the first <paramref name="keep"/> tokens of the sequence's KV cache and drops the rest.</summary>
    void Truncate(int sequence, int keep);

    /// <summary>Decodes everything queued as one batch, on the calling thread (the scheduler's own).</summary>
    DecodeOutcome Decode();

    /// <summary>Starts a fresh sampler for the sequence's next answer.</summary>
    void ResetSampler(int sequence, SamplingOptions sampling);

    /// <summary>Samples the next token from the logits of the sequence's last decoded token.</summary>
    int Sample(int sequence);

    /// <summary>Throws away every sequence's cache and queued batch; used after an unrecoverable decode failure.</summary>
    void Reset();
}
