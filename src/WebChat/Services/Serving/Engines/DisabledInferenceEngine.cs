using System.Runtime.CompilerServices;
using WebChat.Engine.Inference;

namespace WebChat.Services.Serving.Engines;

/// <summary>The in-process engine when Engines:Local:Enabled is false: never loads the native library, refuses every load and request in words.</summary>
public sealed class DisabledInferenceEngine : IInferenceEngine
{
    public const string Reason = "This server runs no local engine (Engines:Local:Enabled is false); its models come from remote engines.";

    public EngineStatus Status { get; } = new(EngineState.Empty, Error: Reason);

    public IDisposable Subscribe(Action<EngineStatus> onChange) => new Nothing();

    public Task LoadAsync(ModelLoadOptions options, CancellationToken cancellationToken = default) => throw new ModelNotReadyException(Reason);

    public Task UnloadAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async IAsyncEnumerable<ChatUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        throw new ModelNotReadyException(Reason);
#pragma warning disable CS0162 // an iterator needs a yield to be one
        yield break;
#pragma warning restore CS0162
    }

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
