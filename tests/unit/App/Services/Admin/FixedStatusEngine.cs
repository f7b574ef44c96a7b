using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.App.Services.Admin;

/// <summary>An engine that only reports a status: storage asks which file is loaded, never to load or chat.</summary>
internal sealed class FixedStatusEngine(EngineStatus status) : IInferenceEngine
{
    public static FixedStatusEngine Empty => new(EngineStatus.Empty);

    public EngineStatus Status { get; } = status;

    public static FixedStatusEngine Serving(string modelPath) => new(new EngineStatus(EngineState.Ready, modelPath, Path.GetFileName(modelPath)));

    public IDisposable Subscribe(Action<EngineStatus> onChange) => throw new NotSupportedException();

    public Task LoadAsync(ModelLoadOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task UnloadAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public IAsyncEnumerable<ChatUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
