using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.App.Services.Admin;

/// <summary>An engine that only reports a status and unloads: storage asks which file is loaded, never to load or chat.</summary>
internal sealed class FixedStatusEngine(EngineStatus status) : IInferenceEngine
{
    public static FixedStatusEngine Empty => new(EngineStatus.Empty);

    public EngineStatus Status { get; private set; } = status;

    /// <summary>The model is loaded and idle.</summary>
    public static FixedStatusEngine Serving(string modelPath) => new(new EngineStatus(EngineState.Ready, modelPath, Path.GetFileName(modelPath)));

    /// <summary>The model is loaded and writing an answer.</summary>
    public static FixedStatusEngine Answering(string modelPath) =>
        new(new EngineStatus(EngineState.Ready, modelPath, Path.GetFileName(modelPath), ActiveSequences: 1));

    public IDisposable Subscribe(Action<EngineStatus> onChange) => throw new NotSupportedException();

    public Task LoadAsync(ModelLoadOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task UnloadAsync(CancellationToken cancellationToken = default)
    {
        Status = EngineStatus.Empty;
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<ChatUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
