using System.Diagnostics;
using LLama;
using LLama.Native;
using LLama.Sampling;
using WebChat.Engine.Inference;

namespace WebChat.Bench.Inference;

/// <summary>
/// The baseline: LLamaSharp's context, batch and sampler used directly in a plain loop, with the context parameters
/// the engine uses; W sequences decode one token each per step.
/// </summary>
internal sealed class BareDecodeLoop(LLamaWeights weights, ModelLoadOptions load, int chunk) : IDisposable
{
    private readonly LLamaContext _context = weights.CreateContext(LlamaBackendLoader.CreateParameters(load, 0, chunk));

    /// <summary>Prompts W sequences, then generates <paramref name="tokens"/> per sequence; returns wall seconds from start to the last token.</summary>
    public double Generate(int[] prompt, int width, int tokens, SamplingOptions sampling)
    {
        _context.NativeHandle.MemoryClear();
        var samplers = Enumerable.Range(0, width).Select(i => Sampler(sampling, (uint)(sampling.Seed ?? 1) + (uint)i)).ToArray();
        try
        {
            var clock = Stopwatch.StartNew();
            var batch = new LLamaBatch();
            var logitIndex = new int[width];
            for (var sequence = 0; sequence < width; sequence++)
            {
                batch.Clear();
                for (var i = 0; i < prompt.Length; i++)
                {
                    logitIndex[sequence] = batch.Add(prompt[i], i, (LLamaSeqId)sequence, i == prompt.Length - 1);
                }

                Check(_context.Decode(batch));
                _pending[sequence] = samplers[sequence].Sample(_context.NativeHandle, logitIndex[sequence]);
            }

            for (var step = 1; step < tokens; step++)
            {
                batch.Clear();
                for (var sequence = 0; sequence < width; sequence++)
                {
                    logitIndex[sequence] = batch.Add(_pending[sequence], prompt.Length + step - 1, (LLamaSeqId)sequence, true);
                }

                Check(_context.Decode(batch));
                for (var sequence = 0; sequence < width; sequence++)
                {
                    _pending[sequence] = samplers[sequence].Sample(_context.NativeHandle, logitIndex[sequence]);
                }
            }

            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var sampler in samplers)
            {
                sampler.Dispose();
            }
        }
    }

    /// <summary>One stream: prompts, samples the first token, then returns the seconds the next <paramref name="tokens"/> - 1 took (how the engine times tokens/s).</summary>
    public double GenerateAfterFirst(int[] prompt, int tokens, SamplingOptions sampling)
    {
        _context.NativeHandle.MemoryClear();
        using var sampler = Sampler(sampling, sampling.Seed ?? 1);
        var batch = new LLamaBatch();
        for (var i = 0; i < prompt.Length; i++)
        {
            batch.Add(prompt[i], i, (LLamaSeqId)0, i == prompt.Length - 1);
        }

        Check(_context.Decode(batch));
        var token = sampler.Sample(_context.NativeHandle, batch.TokenCount - 1);
        var clock = Stopwatch.StartNew();
        for (var step = 1; step < tokens; step++)
        {
            batch.Clear();
            batch.Add(token, prompt.Length + step - 1, (LLamaSeqId)0, true);
            Check(_context.Decode(batch));
            token = sampler.Sample(_context.NativeHandle, 0);
        }

        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Decodes a whole prompt in one go (as LLamaSharp's simple executors do); returns seconds.</summary>
    public double DecodePrompt(int[] prompt)
    {
        _context.NativeHandle.MemoryClear();
        var clock = Stopwatch.StartNew();
        var batch = new LLamaBatch();
        for (var start = 0; start < prompt.Length; start += (int)_context.BatchSize)
        {
            batch.Clear();
            var end = Math.Min(prompt.Length, start + (int)_context.BatchSize);
            for (var i = start; i < end; i++)
            {
                batch.Add(prompt[i], i, (LLamaSeqId)0, i == prompt.Length - 1);
            }

            Check(_context.Decode(batch));
        }

        return clock.Elapsed.TotalSeconds;
    }

    // LLamaSharp's default chain with the request's settings: the baseline the engine's own chain is measured against.
    private static DefaultSamplingPipeline Sampler(SamplingOptions sampling, uint seed) => new()
    {
        Temperature = sampling.Temperature, TopP = sampling.TopP, TopK = sampling.TopK, MinP = sampling.MinP,
        RepeatPenalty = sampling.RepeatPenalty, Seed = seed,
    };

    private readonly LLamaToken[] _pending = new LLamaToken[64];

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"Decode failed: {result}");
        }
    }

    public void Dispose() => _context.Dispose();
}
