namespace WebChat.Extensions;

internal static class HostingExtensions
{
    /// <summary>
    /// appsettings.json and the published wwwroot sit beside the executable, so the content root is the
    /// executable's folder wherever the app is started from, unless a host switch names another.
    /// </summary>
    public static WebApplicationOptions WebChatHostOptions(string[] args) => new()
    {
        Args = args,
        ContentRootPath = NamesContentRoot(args) ? null : AppContext.BaseDirectory,
    };

    private static bool NamesContentRoot(string[] args) =>
        args.Any(a => a.Contains("contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"));
}
