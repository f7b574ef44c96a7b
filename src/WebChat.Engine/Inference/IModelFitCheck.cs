namespace WebChat.Engine.Inference;

/// <summary>Decides before loading whether a model fits this machine, and how many layers go to the GPU for "auto".</summary>
internal interface IModelFitCheck
{
    /// <summary>Throws ModelTooLargeException with the numbers when the model will not fit; returns the GPU layers to use.</summary>
    Task<int> CheckAsync(ModelLoadOptions options, CancellationToken cancellationToken);
}
