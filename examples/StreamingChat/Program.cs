// Stream a chat answer from a GGUF model with the WebChat engine, and stop it early.
//   dotnet run --project examples/StreamingChat -- [model.gguf] [--prompt TEXT] [--cancel-after N]
// Without a model path it writes a tiny random-weight model first (the answer is noise, the mechanics are real).
// Ctrl+C, or --cancel-after N tokens, cancels: the stream then ends with a Cancelled summary.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebChat.Engine;
using WebChat.Engine.Gguf.Writing;
using WebChat.Engine.Inference;

var model = args.FirstOrDefault(arg => arg.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)) ?? TinyModel();
var prompt = Option("--prompt") ?? "Why is the sky blue?";
var cancelAfter = int.TryParse(Option("--cancel-after"), out var n) ? n : int.MaxValue;

// Its own folder as content root: an appsettings.json in the working directory (the repository's) is not read.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Logging.SetMinimumLevel(LogLevel.Warning); // The engine's load report stays out of the example's output.
builder.Services.AddWebChatEngine();
using var host = builder.Build();
var engine = host.Services.GetRequiredService<IInferenceEngine>();

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

await engine.LoadAsync(new ModelLoadOptions { ModelPath = model, ParallelSequences = 1, ContextPerSequence = 512 }, stop.Token);
var request = new ChatRequest
{
    Messages = [new ChatTurn(ChatRole.System, "You are brief."), new ChatTurn(ChatRole.User, prompt)],
    MaxTokens = 64,
    Sampling = new SamplingOptions { Seed = 42 },
};

var pieces = 0;
await foreach (var update in engine.StreamChatAsync(request, stop.Token))
{
    switch (update)
    {
        case TextDelta delta:
            Console.Write(delta.Text);
            if (++pieces >= cancelAfter)
            {
                await stop.CancelAsync(); // The engine sees it between two steps and frees the sequence at once.
            }

            break;
        case ChatSummary summary:
            Console.WriteLine();
            Console.WriteLine($"[{summary.FinishReason}] {summary.PromptTokens} prompt tokens, {summary.CompletionTokens} answer tokens, " +
                              $"first token after {summary.TimeToFirstToken.TotalMilliseconds:0} ms, {summary.TokensPerSecond:0.0} tokens/s");
            break;
    }
}

await engine.UnloadAsync();
return 0;

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
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
