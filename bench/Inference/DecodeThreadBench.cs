using System.Collections.Concurrent;
using System.Diagnostics;
using LLama;
using LLama.Native;
using LLama.Sampling;
using WebChat.Engine.Inference;
using WebChat.Tests.Support.Models;

namespace WebChat.Bench.Inference;

/// <summary>
/// Does the thread that calls llama_decode matter? The CPU backend uses OpenMP, whose worker team belongs to the
/// calling thread; LLamaSharp's BatchedExecutor decodes through Task.Run, so every step may start on a new thread (the
/// engine used it until it moved its loop to a thread of its own). Compares, in one run: decode on the loop's own
/// thread, through Task.Run, and on one dedicated thread.
/// </summary>
internal static class DecodeThreadBench
{
    public const string Command = "decode-thread";

    public static async Task<int> RunAsync()
    {
        var path = BenchModels.Get(BenchModels.Qwen25HalfBLike);
        var load = new ModelLoadOptions { ModelPath = path, ParallelSequences = 8, ContextPerSequence = 1024, Threads = 2 };
        var parameters = LlamaBackendLoader.CreateParameters(load, 0, 256);
        using var weights = await LLamaWeights.LoadFromFileAsync(parameters);
        using var context = weights.CreateContext(parameters);
        using var dedicated = new DecodeThread();
        var prompt = Array.ConvertAll(weights.NativeHandle.Tokenize("Hello, please tell me a short story about a cat.", true, true, System.Text.Encoding.UTF8), t => (int)t);

        var runners = new (string Name, Func<Func<DecodeResult>, Task<DecodeResult>> Run)[]
        {
            ("calling thread", decode => Task.FromResult(decode())),
            ("Task.Run per step", decode => Task.Run(decode)),
            ("dedicated thread", dedicated.RunAsync),
        };
        foreach (var width in new[] { 1, 8 })
        {
            var rates = runners.ToDictionary(r => r.Name, _ => new List<double>());
            for (var repeat = 0; repeat < 5; repeat++)
            {
                foreach (var (name, run) in runners)
                {
                    rates[name].Add(await TokensPerSecondAsync(context, prompt, width, 24, run));
                }
            }

            var baseline = Median(rates["calling thread"]);
            foreach (var (name, _) in runners)
            {
                Console.WriteLine($"width {width}: {name,-20} {Median(rates[name]),7:0.0} tok/s  ratio {Median(rates[name]) / baseline:0.00}");
            }
        }

        return 0;
    }

    private static async Task<double> TokensPerSecondAsync(LLamaContext context, int[] prompt, int width, int tokens, Func<Func<DecodeResult>, Task<DecodeResult>> run)
    {
        context.NativeHandle.MemoryClear();
        var samplers = Enumerable.Range(0, width).Select(i => new DefaultSamplingPipeline { Seed = (uint)i + 7 }).ToArray();
        var pending = new LLamaToken[width];
        var logits = new int[width];
        var batch = new LLamaBatch();
        var clock = Stopwatch.StartNew();
        for (var sequence = 0; sequence < width; sequence++)
        {
            batch.Clear();
            for (var i = 0; i < prompt.Length; i++)
            {
                logits[sequence] = batch.Add(prompt[i], i, (LLamaSeqId)sequence, i == prompt.Length - 1);
            }

            await run(() => context.Decode(batch));
            pending[sequence] = samplers[sequence].Sample(context.NativeHandle, logits[sequence]);
        }

        for (var step = 1; step < tokens; step++)
        {
            batch.Clear();
            for (var sequence = 0; sequence < width; sequence++)
            {
                logits[sequence] = batch.Add(pending[sequence], prompt.Length + step - 1, (LLamaSeqId)sequence, true);
            }

            await run(() => context.Decode(batch));
            for (var sequence = 0; sequence < width; sequence++)
            {
                pending[sequence] = samplers[sequence].Sample(context.NativeHandle, logits[sequence]);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var sampler in samplers)
        {
            sampler.Dispose();
        }

        return width * tokens / seconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>One thread that runs every decode it is given, in order.</summary>
    private sealed class DecodeThread : IDisposable
    {
        private readonly BlockingCollection<(Func<DecodeResult> Work, TaskCompletionSource<DecodeResult> Done)> _queue = new();
        private readonly Thread _thread;

        public DecodeThread()
        {
            _thread = new Thread(() =>
            {
                foreach (var (work, done) in _queue.GetConsumingEnumerable())
                {
                    done.SetResult(work());
                }
            }) { IsBackground = true, Name = "decode" };
            _thread.Start();
        }

        public Task<DecodeResult> RunAsync(Func<DecodeResult> work)
        {
            var done = new TaskCompletionSource<DecodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Add((work, done));
            return done.Task;
        }

        public void Dispose()
        {
            _queue.CompleteAdding();
            _thread.Join();
            _queue.Dispose();
        }
    }
}
