namespace WebChat.Engine.Gguf.Writing;

/// <summary>Writes a llama-architecture GGUF with random weights, a SentencePiece vocabulary and the keys llama.cpp requires.</summary>
public static class LlamaModelWriter
{
    /// <summary>Writes the model to <paramref name="path"/> through a temporary file, so a reader never sees half a model.</summary>
    public static void WriteFile(string path, LlamaModelSpec spec)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Write(stream, spec);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static void Write(Stream destination, LlamaModelSpec spec)
    {
        var vocabulary = SentencePieceVocabulary.Build(spec.VocabularySize, chatTokens: spec.ChatTemplate is not null);
        GgufWriter.Write(destination, Metadata(spec, vocabulary), Tensors(spec));
    }

    public static IReadOnlyList<KeyValuePair<string, GgufValue>> Metadata(LlamaModelSpec spec, SentencePieceVocabulary vocabulary)
    {
        var metadata = new List<KeyValuePair<string, GgufValue>>
        {
            new("general.architecture", GgufValue.String("llama")),
            new("general.name", GgufValue.String(spec.Name)),
            new("general.file_type", GgufValue.UInt32(MixedWeightTypes.FileType(spec))),
            new("general.alignment", GgufValue.UInt32(32)),
            new("llama.vocab_size", GgufValue.UInt32((uint)vocabulary.Count)),
            new("llama.context_length", GgufValue.UInt32((uint)spec.ContextLength)),
            new("llama.embedding_length", GgufValue.UInt32((uint)spec.EmbeddingLength)),
            new("llama.block_count", GgufValue.UInt32((uint)spec.BlockCount)),
            new("llama.feed_forward_length", GgufValue.UInt32((uint)spec.FeedForwardLength)),
            new("llama.attention.head_count", GgufValue.UInt32((uint)spec.HeadCount)),
            new("llama.attention.head_count_kv", GgufValue.UInt32((uint)spec.HeadCountKv)),
            new("llama.rope.dimension_count", GgufValue.UInt32((uint)spec.HeadDimension)),
            new("llama.rope.freq_base", GgufValue.Float32(spec.RopeFrequencyBase)),
            new("llama.attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-5f)),
            new("tokenizer.ggml.model", GgufValue.String("llama")),
            new("tokenizer.ggml.tokens", GgufValue.Array(GgufArray.Of(vocabulary.Tokens))),
            new("tokenizer.ggml.scores", GgufValue.Array(GgufArray.Of(vocabulary.Scores))),
            new("tokenizer.ggml.token_type", GgufValue.Array(GgufArray.Of(vocabulary.TokenTypes))),
            new("tokenizer.ggml.bos_token_id", GgufValue.UInt32(SentencePieceVocabulary.BeginId)),
            new("tokenizer.ggml.eos_token_id", GgufValue.UInt32(SentencePieceVocabulary.EndId)),
            new("tokenizer.ggml.unknown_token_id", GgufValue.UInt32(SentencePieceVocabulary.UnknownId)),
            new("tokenizer.ggml.add_bos_token", GgufValue.Bool(true)),
            new("tokenizer.ggml.add_eos_token", GgufValue.Bool(false)),
        };
        if (spec.ChatTemplate is { } template)
        {
            metadata.Add(new("tokenizer.chat_template", GgufValue.String(template)));
        }

        return metadata;
    }

    public static IReadOnlyList<GgufTensorToWrite> Tensors(LlamaModelSpec spec)
    {
        long embedding = spec.EmbeddingLength;
        long keyValue = (long)spec.HeadCountKv * spec.HeadDimension;
        long query = (long)spec.HeadCount * spec.HeadDimension;
        long feedForward = spec.FeedForwardLength;
        var tensors = new List<GgufTensorToWrite>
        {
            Weight(spec, "token_embd.weight", -1, embedding, spec.VocabularySize),
            Norm("output_norm.weight", embedding),
        };
        if (!spec.TiedOutput)
        {
            tensors.Add(Weight(spec, "output.weight", -1, embedding, spec.VocabularySize));
        }

        for (var layer = 0; layer < spec.BlockCount; layer++)
        {
            var prefix = $"blk.{layer}.";
            tensors.Add(Norm(prefix + "attn_norm.weight", embedding));
            tensors.Add(Weight(spec, prefix + "attn_q.weight", layer, embedding, query));
            tensors.Add(Weight(spec, prefix + "attn_k.weight", layer, embedding, keyValue));
            tensors.Add(Weight(spec, prefix + "attn_v.weight", layer, embedding, keyValue));
            tensors.Add(Weight(spec, prefix + "attn_output.weight", layer, query, embedding));
            tensors.Add(Norm(prefix + "ffn_norm.weight", embedding));
            tensors.Add(Weight(spec, prefix + "ffn_gate.weight", layer, embedding, feedForward));
            tensors.Add(Weight(spec, prefix + "ffn_up.weight", layer, embedding, feedForward));
            tensors.Add(Weight(spec, prefix + "ffn_down.weight", layer, feedForward, embedding));
        }

        return tensors;
    }

    /// <summary>llama.cpp's LLAMA_FTYPE for a file whose weights are all of one type.</summary>
    public static uint FileType(GgmlType weightType) => weightType switch
    {
        GgmlType.F32 => 0,
        GgmlType.F16 => 1,
        GgmlType.Q4_0 => 2,
        GgmlType.Q8_0 => 7,
        _ => throw new NotSupportedException($"Generated models use F32, F16, Q8_0 or Q4_0, not {weightType}."),
    };

    private static GgufTensorToWrite Weight(LlamaModelSpec spec, string name, int layer, long inner, long outer)
    {
        var type = MixedWeightTypes.For(spec, name, layer, inner);
        return new(name, [inner, outer], type, RandomTensorData.Uniform(type, inner * outer, SeedFor(spec.Seed, name), spec.WeightAmplitude));
    }

    private static GgufTensorToWrite Norm(string name, long length) =>
        new(name, [length], GgmlType.F32, RandomTensorData.Ones(length));

    /// <summary>FNV-1a of the name mixed with the model seed: each tensor gets its own stream, stable across runs.</summary>
    private static ulong SeedFor(ulong modelSeed, string tensorName)
    {
        var hash = 14695981039346656037UL ^ modelSeed;
        foreach (var c in tensorName)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
