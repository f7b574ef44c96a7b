using WebChat.Configuration;
using WebChat.Engine.Inference;
using WebChat.Engine.Inference.Native;
using WebChat.Services.Engine;

namespace WebChat.Extensions;

internal static class InferenceExtensions
{
    /// <summary>Registers the real engine (LLamaSharp) with its options from the "Inference" section.</summary>
    public static IHostApplicationBuilder AddWebChatInference(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InferenceOptions>().Bind(builder.Configuration.GetSection(InferenceOptions.SectionName));
        // The guard's probe child is this app's own executable (`WebChat native-probe`), also when a test host runs it.
        builder.Services.AddSingleton(NativeProbeProcess.ForAssembly(typeof(WebChatOptions).Assembly.Location));
        builder.Services.AddWebChatInference();
        builder.Services.AddHostedService<NativeLibraryStartup>();
        return builder;
    }
}
