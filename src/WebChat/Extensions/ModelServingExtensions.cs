using WebChat.Services.Models;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebChat.Services.Serving;
using WebChat.Services.Serving.Engines;

namespace WebChat.Extensions;

internal static class ModelServingExtensions
{
    /// <summary>Serving models without an admin at hand: the default model, loading on demand, model switches, per-model settings.</summary>
    public static IHostApplicationBuilder AddWebChatModelServing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DefaultModel>();
        builder.Services.AddSingleton<ModelServing>();
        builder.AddWebChatEngines();
        // The chat page's model: its services in one bundle, resolved per circuit like the page itself.
        builder.Services.AddScoped<WebChat.Components.Pages.Chat.ChatPageModel>();
        builder.Services.AddSingleton<ModelSettings>();
        builder.Services.AddSingleton<ModelDisplayNames>();
        builder.Services.AddSingleton<WebChat.Services.Presets.PresetService>();
        builder.Services.AddHostedService<DefaultModelStartup>();
        return builder;
    }

    /// <summary>Remote OpenAI-compatible engines: configuration, health checks, the router, their models' settings, Admin › Engines.</summary>
    public static IHostApplicationBuilder AddWebChatEngines(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EnginesOptions>().Bind(builder.Configuration.GetSection(EnginesOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EnginesOptions>, EnginesOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient();
        // Keys entered on Admin › Engines are encrypted with the app's Data Protection key ring.
        builder.Services.AddDataProtection();
        builder.Services.AddSingleton<RemoteEngines>();
        builder.Services.TryAddSingleton<WebChat.Engine.Inference.UserRequestCounts>(); // one per node, shared with the in-process engine
        builder.Services.AddSingleton<LocalReplica>();
        builder.Services.AddSingleton<EngineRouter>();
        builder.Services.AddSingleton<RemoteAdmission>();
        builder.Services.AddSingleton<RoutedChat>();
        builder.Services.AddSingleton<RemoteModels>();
        builder.Services.AddSingleton<RemoteEngineAdmin>();
        builder.Services.AddHostedService<RemoteEngineMonitor>();
        return builder;
    }
}
