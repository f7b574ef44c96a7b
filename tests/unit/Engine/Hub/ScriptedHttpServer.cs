using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebChat.Engine.Hub;

namespace WebChat.Tests.Unit.Engine.Hub;

/// <summary>A real Kestrel server on 127.0.0.1 whose every answer a test writes, for servers that break the Hub's protocol.</summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ServiceProvider clientServices;

    private ScriptedHttpServer(WebApplication app, Uri baseAddress, ServiceProvider clientServices)
    {
        this.app = app;
        BaseAddress = baseAddress;
        this.clientServices = clientServices;
    }

    public Uri BaseAddress { get; }

    /// <summary>The real HubClient (AddWebChatHub) pointed at this server, without retries.</summary>
    public HubClient Client => clientServices.GetRequiredService<HubClient>();

    public static async Task<ScriptedHttpServer> StartAsync(RequestDelegate answer, TimeSpan? apiTimeout = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(answer);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddSingleton(sp => new HubEnvironment(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubOptions>>().Value, _ => null));
        services.AddWebChatHub(o =>
        {
            o.Endpoint = address.ToString();
            o.Token = "";
            o.MaxRetries = 0;
            o.ApiTimeout = apiTimeout ?? TimeSpan.FromSeconds(20);
        });
        return new ScriptedHttpServer(app, address, services.BuildServiceProvider());
    }

    public async ValueTask DisposeAsync()
    {
        await clientServices.DisposeAsync();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
    }
}
