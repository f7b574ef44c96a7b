using WebChat.Engine.Inference;

namespace WebChat.Extensions;

internal static class InferenceExtensions
{
    /// <summary>Registers the real engine (LLamaSharp) with its options from the "Inference" section.</summary>
    public static IHostApplicationBuilder AddWebChatInference(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InferenceOptions>().Bind(builder.Configuration.GetSection(InferenceOptions.SectionName));
        builder.Services.AddWebChatInference();
        return builder;
    }
}
