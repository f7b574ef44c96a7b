using WebChat.Engine.Inference;

namespace WebChat.Services.Inference;

/// <summary>
/// Stand-in until the real engine is registered: never has a model, refuses every chat.
/// Registered with TryAdd, so the real engine's registration replaces it.
/// </summary>
internal sealed class UnloadedInferenceEngine : IInferenceEngine
{
    public const string NotReadyMessage = "No model is loaded: this build has no inference engine yet.";

    public EngineStatus Status => EngineStatus.Empty;

    public IDisposable Subscribe(Action<EngineStatus> onChange) => NoSubscription.Instance;

    public Task LoadAsync(ModelLoadOptions options, CancellationToken cancellationToken = default) =>
        throw new ModelLoadException("This build has no inference engine: models cannot be loaded.");

    public Task UnloadAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public IAsyncEnumerable<ChatUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        throw new ModelNotReadyException(NotReadyMessage);

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }
}
