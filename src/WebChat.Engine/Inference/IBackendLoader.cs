namespace WebChat.Engine.Inference;

/// <summary>Loads a model file into a backend; separated from serving so the engine is testable with a fake.</summary>
internal interface IBackendLoader
{
    /// <summary>Loads the model; throws ModelTooLargeException, ModelLoadException or OperationCanceledException.</summary>
    Task<IInferenceBackend> LoadAsync(ModelLoadOptions options, IProgress<double> progress, CancellationToken cancellationToken);
}
