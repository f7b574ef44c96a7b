using Microsoft.Extensions.Options;
using WebChat.Configuration;

namespace WebChat.Extensions;

internal static class OptionsExtensions
{
    /// <summary>Binds the "WebChat" section, fills default paths and fails the start when a folder is unusable.</summary>
    public static IServiceCollection AddWebChatOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebChatOptions>().Bind(configuration.GetSection(WebChatOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<WebChatOptions>, WebChatOptionsDefaults>();
        services.AddSingleton<IValidateOptions<WebChatOptions>, WebChatOptionsValidator>();
        return services;
    }

    public static IHostApplicationBuilder AddWebChatOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddWebChatOptions(builder.Configuration);
        return builder;
    }
}
