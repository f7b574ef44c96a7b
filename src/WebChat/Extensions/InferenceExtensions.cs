using Microsoft.Extensions.DependencyInjection.Extensions;
using WebChat.Engine.Inference;
using WebChat.Services.Inference;

namespace WebChat.Extensions;

internal static class InferenceExtensions
{
    /// <summary>Registers the stand-in engine only where no real IInferenceEngine was registered before.</summary>
    public static IHostApplicationBuilder AddWebChatInference(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<IInferenceEngine, UnloadedInferenceEngine>();
        return builder;
    }
}
