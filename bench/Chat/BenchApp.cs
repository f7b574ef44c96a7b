using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using WebChat.Engine.Inference;

namespace WebChat.Bench.Chat;

/// <summary>
/// The real app on Kestrel (127.0.0.1, free port, temporary data folder) with a given engine, or with the engines its
/// configuration names when <c>engine</c> is null (remote engines only, for bench engines).
/// </summary>
internal sealed class BenchApp(string dataDirectory, IInferenceEngine? engine, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<WebChat.Configuration.WebChatOptions>
{
    public const string Password = "Passw0rd!";

    public Uri BaseAddress { get; private set; } = default!;

    public static BenchApp Start(string dataDirectory, IInferenceEngine? engine, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = new BenchApp(dataDirectory, engine, settings);
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        app.BaseAddress = new Uri(addresses.Addresses.First());
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSolutionRelativeContentRoot("src/WebChat");
        builder.UseSetting("WebChat:DataDirectory", dataDirectory);
        // Every bench registers and signs in many people from 127.0.0.1: the sign-in and account-creation limits are
        // for attackers, not this.
        builder.UseSetting("WebChat:Security:AttemptsPerAddress", "1000000");
        builder.UseSetting("WebChat:Security:AttemptsPerAccount", "1000000");
        builder.UseSetting("WebChat:Security:AccountsPerAddressPerHour", "0");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Production");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (engine is not null)
        {
            builder.ConfigureServices(services =>
            {
                services.RemoveAll<IInferenceEngine>();
                services.AddSingleton(engine);
            });
        }
    }
}
