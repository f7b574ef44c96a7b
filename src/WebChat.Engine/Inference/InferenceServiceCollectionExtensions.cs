using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebChat.Engine.Catalog;
using WebChat.Engine.Inference.Native;

namespace WebChat.Engine.Inference;

/// <summary>Registers the inference engine (one per process), its IChatClient and their options.</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>Adds the engine; bind <see cref="InferenceOptions"/> to the "Inference" section where configuration is available.</summary>
    public static IServiceCollection AddWebChatInference(this IServiceCollection services, Action<InferenceOptions>? configure = null)
    {
        var options = services.AddOptions<InferenceOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InferenceOptions>, NativeLibraryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // The probe child is this process's own executable unless the host names another (the web app names itself).
        services.TryAddSingleton(_ => NativeProbeProcess.ForAssembly(System.Reflection.Assembly.GetEntryAssembly()?.Location ?? ""));
        services.TryAddSingleton<NativeLibraryGuard>();
        services.TryAddSingleton<NativeLibrarySelection>();
        services.TryAddSingleton<IGpuMemoryProbe, NoGpuMemoryProbe>();
        services.TryAddSingleton<IMachineMemoryReader>(provider => new SystemMemoryReader(provider.GetRequiredService<IGpuMemoryProbe>()));
        services.TryAddSingleton<IModelFitCheck, EstimatorFitCheck>();
        services.TryAddSingleton<IBackendLoader, LlamaBackendLoader>();
        services.TryAddSingleton<UserRequestCounts>(); // one per node: the in-process engine and the remote engines' queue share it
        services.TryAddSingleton<InferenceEngine>();
        services.TryAddSingleton<IInferenceEngine>(provider => provider.GetRequiredService<InferenceEngine>());
        services.TryAddSingleton<IChatClient>(provider => new EngineChatClient(provider.GetRequiredService<IInferenceEngine>()));
        return services;
    }
}
