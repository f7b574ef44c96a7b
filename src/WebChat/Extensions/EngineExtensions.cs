using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Engine;
using WebChat.Engine.Inference;
using WebChat.Engine.Inference.Native;
using WebChat.Engine.Storage;
using WebChat.Services.Engine;
using WebChat.Services.Serving.Engines;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WebChat.Extensions;

internal static class EngineExtensions
{
    /// <summary>
    /// Registers the whole engine (Hub client, model search, downloads, model store, inference) with its options from
    /// configuration, on the app's models folder.
    /// </summary>
    public static IHostApplicationBuilder AddWebChatEngine(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InferenceOptions>().Bind(builder.Configuration.GetSection(InferenceOptions.SectionName));
        // One models folder: WebChat:ModelsDirectory, unless WebChat:Models:Directory says otherwise.
        builder.Services.AddOptions<ModelStoreOptions>().PostConfigure<IOptions<WebChatOptions>>((store, app) =>
            store.Directory = string.IsNullOrWhiteSpace(store.Directory) ? app.Value.ModelsDirectory : store.Directory);
        builder.Services.AddWebChatEngine();
        if (!LocalEngineEnabled(builder))
        {
            // A node that only routes to remote engines: the native library is never touched.
            builder.Services.Replace(ServiceDescriptor.Singleton<IInferenceEngine, DisabledInferenceEngine>());
        }

        return builder;
    }

    /// <summary>Engines:Local:Enabled (default true).</summary>
    public static bool LocalEngineEnabled(IHostApplicationBuilder builder) =>
        builder.Configuration.GetValue($"{EnginesOptions.SectionName}:Local:Enabled", true);

    /// <summary>
    /// The server's choice of native llama.cpp (<c>Inference:NativeLibrary</c>): probed in a child process, then loaded
    /// before any native call, and shown on Admin › Engine.
    /// </summary>
    public static IHostApplicationBuilder AddWebChatNativeLibrary(this IHostApplicationBuilder builder)
    {
        // The guard's probe child is this app's own executable (`WebChat native-probe`), also when a test host runs it.
        builder.Services.AddSingleton(NativeProbeProcess.ForAssembly(typeof(WebChatOptions).Assembly.Location));
        if (LocalEngineEnabled(builder))
        {
            builder.Services.AddHostedService<NativeLibraryStartup>();
        }
        return builder;
    }
}
