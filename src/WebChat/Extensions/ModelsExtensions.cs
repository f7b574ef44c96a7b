using WebChat.Engine.Hub;
using WebChat.Services.Models;

namespace WebChat.Extensions;

internal static class ModelsExtensions
{
    /// <summary>
    /// Registers the app's model services (singletons: downloads outlive the page that started them) and the starter
    /// model; the engine they use comes from AddWebChatEngine.
    /// </summary>
    public static IHostApplicationBuilder AddWebChatModels(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StarterModelOptions>().BindConfiguration(StarterModelOptions.SectionName)
            .Validate(o => string.IsNullOrWhiteSpace(o.Repo) || (RepoId.TryParse(o.Repo, out _) && !string.IsNullOrWhiteSpace(o.File)),
                "WebChat:StarterModel needs Repo as owner/name and a File, or an empty Repo to offer no starter download.")
            .ValidateOnStart();
        builder.Services.AddSingleton<InstalledModelRecorder>();
        builder.Services.AddSingleton<ModelDownloadService>();
        builder.Services.AddSingleton<ModelImporter>();
        builder.Services.AddSingleton<ModelLibrary>();
        return builder;
    }
}
