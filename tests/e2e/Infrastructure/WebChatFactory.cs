using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace WebChat.Tests.E2E.Infrastructure;

/// <summary>The real app on Kestrel at 127.0.0.1 on a free port, with the given data directory and extra settings.</summary>
/// <remarks>
/// The type argument only names the app's assembly: tests/support also has a top-level Program, so the global
/// <c>Program</c> is ambiguous here.
/// </remarks>
public sealed class WebChatFactory(string dataDirectory, IReadOnlyDictionary<string, string?> settings, Action<IWebHostBuilder>? configure)
    : WebApplicationFactory<WebChat.Configuration.WebChatOptions>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("WebChat:DataDirectory", dataDirectory);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        configure?.Invoke(builder);
    }

    /// <summary>Starts Kestrel on 127.0.0.1 with a port the OS picks (Chromium cannot reach the in-memory TestServer).</summary>
    public WebChatFactory StartOnLoopback()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        return this;
    }
}
