using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebChat.Tests.Support.FakeHub;

/// <summary>A real Kestrel server on 127.0.0.1 that speaks the Hub's API over in-memory repositories, with fault switches.</summary>
public sealed class FakeHubServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeHubRepo> _repos = new(StringComparer.OrdinalIgnoreCase);
    private WebApplication? _app;
    private int _activeRequests;

    private FakeHubServer()
    {
    }

    /// <summary>The Hub's base address (http://127.0.0.1:port/).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Where resolve redirects to: the same host, or "localhost" (another host name for the same server) when CdnOnOtherHost.</summary>
    public Uri CdnAddress => CdnOnOtherHost ? new UriBuilder(BaseAddress) { Host = "localhost" }.Uri : BaseAddress;

    public bool CdnOnOtherHost { get; set; }

    public FakeHubFaults Faults { get; } = new();

    public FakeHubLog Log { get; } = new();

    /// <summary>Requests being answered right now (a test waits for 0 before it clears the log between phases).</summary>
    public int ActiveRequests => Volatile.Read(ref _activeRequests);

    /// <summary>Tokens the fake Hub accepts; any other Bearer token gets 401.</summary>
    public ISet<string> ValidTokens { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Valid tokens whose owner accepted the licence of gated repositories.</summary>
    public ISet<string> TokensWithGatedAccess { get; } = new HashSet<string>(StringComparer.Ordinal);

    public IReadOnlyCollection<FakeHubRepo> Repos => _repos.Values.ToList();

    public static async Task<FakeHubServer> StartAsync(IEnumerable<FakeHubRepo>? repos = null, int port = 0, CancellationToken cancellationToken = default)
    {
        var server = new FakeHubServer();
        foreach (var repo in repos ?? [])
        {
            server.Add(repo);
        }

        await server.StartServerAsync(port, cancellationToken);
        return server;
    }

    public void Add(FakeHubRepo repo) => _repos[repo.Id] = repo;

    public FakeHubRepo Repo(string id) => _repos[id];

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync(TimeSpan.FromSeconds(2));
            await app.DisposeAsync();
        }
    }

    internal FakeHubRepo? Find(string owner, string name) => _repos.GetValueOrDefault($"{owner}/{name}");

    internal FakeHubFile? FindBlob(string sha256) =>
        _repos.Values.SelectMany(r => r.Files).FirstOrDefault(f => string.Equals(f.Sha256, sha256, StringComparison.OrdinalIgnoreCase));

    private async Task StartServerAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var route = RouteOf(context.Request.Path);
            var receivedAt = DateTimeOffset.UtcNow;

            // Logged when the headers go out, so the entry exists before the client can see the response.
            context.Response.OnStarting(() =>
            {
                Log.Add(new FakeHubRequest(route, context.Request.Method, context.Request.Host.Value ?? "", context.Request.Path + context.Request.QueryString,
                    context.Request.Headers.Authorization.FirstOrDefault(), receivedAt, context.Response.StatusCode));
                return Task.CompletedTask;
            });
            Interlocked.Increment(ref _activeRequests);
            try
            {
                if (!FakeHubEndpoints.TryFault(this, context, route))
                {
                    await next(context);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The client went away mid-response (a stall it gave up on); nothing to answer.
            }
            finally
            {
                Interlocked.Decrement(ref _activeRequests);
            }
        });
        FakeHubEndpoints.Map(app, this);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        _app = app;
    }

    private static FakeHubRoute RouteOf(PathString path) =>
        path.StartsWithSegments("/api") ? FakeHubRoute.Api
        : path.StartsWithSegments("/cdn") ? FakeHubRoute.Cdn
        : FakeHubRoute.Resolve;
}
