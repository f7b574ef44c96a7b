using Microsoft.Extensions.Options;
using WebChat.Engine.Storage;

namespace WebChat.Configuration;

/// <summary>Fills the paths left empty in configuration from the data directory and the platform's convention.</summary>
internal sealed class WebChatOptionsDefaults : IPostConfigureOptions<WebChatOptions>
{
    public void PostConfigure(string? name, WebChatOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            options.DataDirectory = DataDirectories.Default();
        }

        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        options.ModelsDirectory = string.IsNullOrWhiteSpace(options.ModelsDirectory)
            ? DataDirectories.ModelsIn(options.DataDirectory)
            : Path.GetFullPath(options.ModelsDirectory);
        options.DatabasePath = string.IsNullOrWhiteSpace(options.DatabasePath)
            ? Path.Combine(options.DataDirectory, "webchat.db")
            : Path.GetFullPath(options.DatabasePath);
        options.NodeName = string.IsNullOrWhiteSpace(options.NodeName) ? Environment.MachineName : options.NodeName.Trim();
    }
}
