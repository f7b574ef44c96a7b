using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebChat.Engine.Inference;

namespace WebChat.Cli;

/// <summary>`WebChat run model "prompt"`: loads a model, streams one answer to stdout and prints its summary.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A .gguf file or an installed model id (see `WebChat models`)." };
        var prompt = new Argument<string>("prompt") { Description = "What to ask." };
        var system = new Option<string?>("--system") { Description = "A system prompt." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most answer tokens.", DefaultValueFactory = _ => 512 };
        var context = new Option<int>("--context") { Description = "Context size in tokens.", DefaultValueFactory = _ => 4096 };
        var threads = new Option<int?>("--threads") { Description = "Decode threads (default: all cores)." };
        var temperature = new Option<float>("--temperature") { DefaultValueFactory = _ => new SamplingOptions().Temperature };
        var seed = new Option<uint?>("--seed") { Description = "Fixed seed for a reproducible answer." };
        var directory = new Option<string?>("--models-dir") { Description = "The models folder (default: the app's, from appsettings.json, the environment or --WebChat:ModelsDirectory=...)." };
        var verbose = new Option<bool>("--verbose") { Description = "Show llama.cpp's log." };
        var command = new Command("run", "Answer one prompt with a model, streaming to the console.")
        {
            model, prompt, system, maxTokens, context, threads, temperature, seed, directory, verbose,
        };
        command.TreatUnmatchedTokensAsErrors = false; // --Section:Key=value host switches choose the configuration.

        command.SetAction(async (result, cancellationToken) =>
        {
            string path;
            try
            {
                path = InstalledModels.From(result.GetValue(directory), result.UnmatchedTokens).Resolve(result.GetValue(model)!);
            }
            catch (FileNotFoundException exception)
            {
                await Console.Error.WriteLineAsync(exception.Message);
                return 1;
            }

            var load = new ModelLoadOptions { ModelPath = path, ParallelSequences = 1, ContextPerSequence = result.GetValue(context), Threads = result.GetValue(threads) };
            var turns = new List<ChatTurn>();
            if (result.GetValue(system) is { Length: > 0 } systemPrompt)
            {
                turns.Add(new ChatTurn(ChatRole.System, systemPrompt));
            }

            turns.Add(new ChatTurn(ChatRole.User, result.GetValue(prompt)!));
            var request = new ChatRequest
            {
                Messages = turns,
                MaxTokens = result.GetValue(maxTokens),
                Sampling = new SamplingOptions { Temperature = result.GetValue(temperature), Seed = result.GetValue(seed) },
            };
            return await RunAsync(load, request, result.GetValue(verbose), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(ModelLoadOptions load, ChatRequest request, bool verbose, CancellationToken cancellationToken)
    {
        await using var services = new ServiceCollection()
            .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning)
                .AddFilter("LLama.Native", verbose ? LogLevel.Debug : LogLevel.Error))
            .AddWebChatInference(options => options.KeepAlive = null)
            .BuildServiceProvider();
        var engine = services.GetRequiredService<IInferenceEngine>();
        if (verbose)
        {
            // See RunWithoutTiering: this process replaced itself to turn tiering off unless the environment chose.
            await Console.Error.WriteLineAsync($"Tiered compilation: {(Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") == "0" ? "off" : "on")}");
        }

        try
        {
            await ModelLoadProgress.LoadAsync(engine, load, cancellationToken);
            ChatSummary? summary = null;
            await foreach (var update in engine.StreamChatAsync(request, cancellationToken))
            {
                if (update is TextDelta delta)
                {
                    Console.Write(delta.Text);
                }
                else if (update is ChatSummary last)
                {
                    summary = last;
                }
            }

            Console.WriteLine();
            if (summary is not null)
            {
                await Console.Error.WriteLineAsync(Describe(summary));
            }

            return summary?.FinishReason is FinishReason.Error ? 1 : 0;
        }
        catch (EngineException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return 1;
        }
    }

    private static string Describe(ChatSummary s)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"[{s.FinishReason.ToString().ToLowerInvariant()}] prompt {s.PromptTokens} tokens ({s.ReusedPromptTokens} reused), answer {s.CompletionTokens} tokens, first token {s.TimeToFirstToken.TotalSeconds:0.00} s, {s.TokensPerSecond:0.0} tokens/s, template {s.Template}");
        return line + (s.DroppedTurns > 0 ? $", {s.DroppedTurns} turns dropped" : "") + (s.Message is { } message ? $" - {message}" : "");
    }
}
