using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;
using WebChat.Services.Models;

namespace WebChat.Extensions;

internal static class ModelsExtensions
{
    /// <summary>
    /// Registers the Hub client, model search, downloads and the model store, all on the app's models folder, and the
    /// app's model services (singletons: downloads outlive the page that started them).
    /// </summary>
    public static IHostApplicationBuilder AddWebChatModels(this IHostApplicationBuilder builder)
    {
        builder.Services.AddWebChatHub();
        // One models folder: WebChat:ModelsDirectory, unless WebChat:Models:Directory says otherwise.
        builder.Services.AddOptions<ModelStoreOptions>().PostConfigure<IOptions<WebChatOptions>>((store, app) =>
            store.Directory = string.IsNullOrWhiteSpace(store.Directory) ? app.Value.ModelsDirectory : store.Directory);
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
