using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace WebChat.Tests.Unit.App;

/// <summary>The whole app in memory (TestServer) with its own temporary data directory.</summary>
/// <remarks>The type argument only names the app's assembly; tests/support's top-level Program makes Program ambiguous.</remarks>
internal sealed class WebChatAppFactory(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<WebChat.Configuration.WebChatOptions>
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "webchat-unit-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("WebChat:DataDirectory", DataDirectory);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
