using WebChat.Services.Models;

namespace WebChat.Extensions;

internal static class ModelServingExtensions
{
    /// <summary>Serving models without an admin at hand: the default model, loading on demand, model switches, per-model settings.</summary>
    public static IHostApplicationBuilder AddWebChatModelServing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DefaultModel>();
        builder.Services.AddSingleton<DefaultModelLoader>();
        builder.Services.AddSingleton<ModelSwitch>();
        builder.Services.AddSingleton<ModelSettings>();
        builder.Services.AddSingleton<ModelDisplayNames>();
        builder.Services.AddSingleton<WebChat.Services.Presets.PresetService>();
        builder.Services.AddHostedService<DefaultModelStartup>();
        return builder;
    }
}
