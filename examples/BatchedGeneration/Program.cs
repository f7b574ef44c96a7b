// Several conversations answered at once: the engine's scheduler puts every sequence's next token into one batch.
//   dotnet run --project examples/BatchedGeneration -- [model.gguf] [--sequences N]
// Without a model path it writes a tiny random-weight model first.
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebChat.Engine;
using WebChat.Engine.Gguf.Writing;
using WebChat.Engine.Inference;

var model = args.FirstOrDefault(arg => arg.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)) ?? TinyModel();
var index = Array.IndexOf(args, "--sequences");
var sequences = index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : 4;

// Its own folder as content root: an appsettings.json in the working directory (the repository's) is not read.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Logging.SetMinimumLevel(LogLevel.Warning); // The engine's load report stays out of the example's output.
builder.Services.AddWebChatEngine();
using var host = builder.Build();
var engine = host.Services.GetRequiredService<IInferenceEngine>();
await engine.LoadAsync(new ModelLoadOptions { ModelPath = model, ParallelSequences = sequences, ContextPerSequence = 512 });

var clock = Stopwatch.StartNew();
var answers = await Task.WhenAll(Enumerable.Range(1, sequences).Select(AnswerAsync));
clock.Stop();

foreach (var (number, summary) in answers)
{
    Console.WriteLine($"sequence {number}: {summary.FinishReason}, {summary.CompletionTokens} tokens at {summary.TokensPerSecond:0.0} tokens/s");
}

Console.WriteLine($"{sequences} sequences, {answers.Sum(a => a.Summary.CompletionTokens)} tokens in {clock.Elapsed.TotalSeconds:0.00} s: " +
                  $"{answers.Sum(a => a.Summary.CompletionTokens) / clock.Elapsed.TotalSeconds:0.0} tokens/s together");
await engine.UnloadAsync();
return answers.All(a => a.Summary.FinishReason is FinishReason.Stop or FinishReason.Length) ? 0 : 1;

async Task<(int Number, ChatSummary Summary)> AnswerAsync(int number)
{
    var request = new ChatRequest
    {
        Messages = [new ChatTurn(ChatRole.User, $"Count to {number * 3}.")],
        MaxTokens = 32,
        Sampling = new SamplingOptions { Seed = (uint)number },
    };
    ChatSummary? last = null;
    await foreach (var update in engine.StreamChatAsync(request))
    {
        last = update as ChatSummary ?? last;
    }

    return (number, last!);
}

static string TinyModel()
{
    var path = Path.Combine(Path.GetTempPath(), "webchat-example-tiny.gguf");
    if (!File.Exists(path))
    {
        var written = $"{path}.{Environment.ProcessId}.tmp"; // Two examples started together never read a half-written file.
        LlamaModelWriter.WriteFile(written, new LlamaModelSpec());
        File.Move(written, path, overwrite: true);
    }

    return path;
}
