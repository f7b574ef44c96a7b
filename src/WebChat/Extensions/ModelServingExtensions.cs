using WebChat.Services.Models;
using WebChat.Services.Serving;

namespace WebChat.Extensions;

internal static class ModelServingExtensions
{
    /// <summary>Serving models without an admin at hand: the default model, loading on demand, model switches, per-model settings.</summary>
    public static IHostApplicationBuilder AddWebChatModelServing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DefaultModel>();
        builder.Services.AddSingleton<ModelServing>();
        // The chat page's model: its services in one bundle, resolved per circuit like the page itself.
        builder.Services.AddScoped<WebChat.Components.Pages.Chat.ChatPageModel>();
        builder.Services.AddSingleton<ModelSettings>();
        builder.Services.AddSingleton<ModelDisplayNames>();
        builder.Services.AddSingleton<WebChat.Services.Presets.PresetService>();
        builder.Services.AddHostedService<DefaultModelStartup>();
        return builder;
    }
}
