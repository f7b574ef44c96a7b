using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebChat.Engine.Catalog;
using WebChat.Engine.Inference;
using WebChat.Engine.Inference.Native;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.Engine.Inference;

/// <summary>Real LLamaSharp on the generated tiny model: engines and loaders set up the way the app sets them up.</summary>
internal static class RealModel
{
    public static InferenceOptions Options(int chunk = 64, int queueLimit = 8, TimeSpan? keepAlive = null) => new()
    {
        PrefillChunkTokens = chunk,
        QueueLimit = queueLimit,
        KeepAlive = keepAlive,
        MinAnswerTokens = 64,
    };

    public static ModelLoadOptions Load(string? path = null, int sequences = 2, int context = 512) => new()
    {
        ModelPath = path ?? TestModels.Tiny,
        ParallelSequences = sequences,
        ContextPerSequence = context,
        Threads = 1,
    };

    public static LlamaBackendLoader Loader(InferenceOptions options, ILoggerFactory? loggers = null) =>
        new(new EstimatorFitCheck(new SystemMemoryReader()), Microsoft.Extensions.Options.Options.Create(options),
            NativeLibrarySelection.Create(options, loggers ?? NullLoggerFactory.Instance));

    public static InferenceEngine CreateEngine(InferenceOptions? options = null, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        options ??= Options();
        return new InferenceEngine(Loader(options, loggers), Microsoft.Extensions.Options.Options.Create(options), time ?? TimeProvider.System, loggers ?? NullLoggerFactory.Instance);
    }

    public static ChatRequest Ask(string question, int maxTokens = 16, string? conversation = null) => new()
    {
        Messages = [new ChatTurn(ChatRole.System, "You are terse."), new ChatTurn(ChatRole.User, question)],
        MaxTokens = maxTokens,
        ConversationKey = conversation,
        Sampling = new SamplingOptions { Seed = 42 },
    };

    public static async Task<List<ChatUpdate>> CollectAsync(IAsyncEnumerable<ChatUpdate> stream)
    {
        var updates = new List<ChatUpdate>();
        await foreach (var update in stream)
        {
            updates.Add(update);
        }

        return updates;
    }

    public static ChatSummary Summary(IEnumerable<ChatUpdate> updates) => Assert.IsType<ChatSummary>(updates.Last());

    public static string Text(IEnumerable<ChatUpdate> updates) => string.Concat(updates.OfType<TextDelta>().Select(d => d.Text));

    /// <summary>A long prompt in plain words the tiny vocabulary knows.</summary>
    public static string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(i => i % 3 == 0 ? "hello" : i % 3 == 1 ? "world" : "the"));
}

/// <summary>Real-model tests share the two cores; running them one class at a time keeps each one fast.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealModelCollection
{
    public const string Name = "Real model";
}
