using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;

namespace WebChat.Engine;

/// <summary>Everything the engine registers, in one call: the Hub client, model search, downloads, the model store and the inference engine.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>Adds the engine's services; bind their options to configuration where it is available.</summary>
    public static IServiceCollection AddWebChatEngine(this IServiceCollection services, Action<InferenceOptions>? configureInference = null) =>
        services.AddWebChatHub().AddWebChatInference(configureInference);
}
