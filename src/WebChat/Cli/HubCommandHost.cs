using WebChat.Extensions;

namespace WebChat.Cli;

/// <summary>The services the search and pull commands need: configuration as the app reads it, the Hub, the store, the database.</summary>
internal static class HubCommandHost
{
    /// <summary>Builds a host (not started) from appsettings.json, the environment and "--Section:Key=value" switches.</summary>
    public static IHost Build(IReadOnlyList<string> configurationSwitches)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. configurationSwitches],
            ContentRootPath = AppContext.BaseDirectory,
        });
        // A command prints its own output; only warnings and errors of the services belong beside it (this rule outranks appsettings).
        builder.Logging.AddFilter(null, LogLevel.Warning);
        builder.AddWebChatOptions();
        builder.AddWebChatData();
        builder.AddWebChatEngine();
        builder.AddWebChatModels();
        return builder.Build();
    }
}
