namespace WebChat.Engine.Inference;

/// <summary>The process-wide engine: one loaded model serving many conversations at once.</summary>
public interface IInferenceEngine
{
    /// <summary>The current state; changes are also pushed to subscribers.</summary>
    EngineStatus Status { get; }

    /// <summary>Calls <paramref name="onChange"/> on every status change until the returned handle is disposed.</summary>
    IDisposable Subscribe(Action<EngineStatus> onChange);

    /// <summary>Loads a model, cancelling requests on the previous one. Throws ModelTooLargeException or ModelLoadException.</summary>
    Task LoadAsync(ModelLoadOptions options, CancellationToken cancellationToken = default);

    /// <summary>Unloads the model and frees native memory; in-flight requests end as cancelled.</summary>
    Task UnloadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams an answer: QueuePosition while waiting, TextDelta while generating, then one ChatSummary.
    /// Cancelling the token ends the stream with a Cancelled summary (or, while the prompt is still being fitted,
    /// with OperationCanceledException). Throws ModelNotReadyException, EngineBusyException or UserBusyException
    /// (the request's user already has their share waiting and generating) at once when the request cannot be queued.
    /// </summary>
    IAsyncEnumerable<ChatUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default);

    /// <summary>How full the KV cache is now; read on demand (e.g. by /metrics), not pushed with the status.</summary>
    KvCacheUse KvCache => KvCacheUse.None;
}
