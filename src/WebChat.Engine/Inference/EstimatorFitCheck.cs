using WebChat.Engine.Catalog;
using WebChat.Engine.Gguf;

namespace WebChat.Engine.Inference;

/// <summary>The fit check from the GGUF header: the memory estimator against what this machine has free now.</summary>
internal sealed class EstimatorFitCheck(IMachineMemoryReader memory) : IModelFitCheck
{
    public async Task<int> CheckAsync(ModelLoadOptions options, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(options.ModelPath);
        if (!File.Exists(options.ModelPath))
        {
            throw new ModelLoadException($"The model file {options.ModelPath} does not exist.");
        }

        ModelDescriptor model;
        try
        {
            model = await ModelDescriptors.FromFileAsync(options.ModelPath, cancellationToken);
        }
        catch (GgufFormatException exception)
        {
            throw new ModelLoadException($"{fileName} is not a usable GGUF model: {exception.Message}", exception);
        }

        var estimate = MemoryEstimator.Estimate(model, options);
        var verdict = MemoryEstimator.Fit(estimate, memory.Read());
        if (!verdict.Fits)
        {
            throw new ModelTooLargeException($"{fileName}: {verdict.Explanation} Estimate: {estimate}.");
        }

        return options.GpuLayers ?? verdict.GpuLayers;
    }
}
