using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using WebChat.Services.Accounts;
using WebChat.Services.Metrics;

namespace WebChat.Api;

/// <summary>Settings of /metrics (section "WebChat:Metrics").</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "WebChat:Metrics";

    /// <summary>A scraper sends it as <c>Authorization: Bearer &lt;token&gt;</c>; empty: only signed-in admins may read /metrics.</summary>
    public string? ScrapeToken { get; set; }
}

/// <summary>GET /metrics in Prometheus' text format (OpenTelemetry's exporter), for admins or a scraper with the configured token.</summary>
public static class MetricsApi
{
    public const string Path = "/metrics";

    public static WebApplication MapMetricsApi(this WebApplication app)
    {
        // Created now so its gauges exist before the first scrape.
        _ = app.Services.GetRequiredService<EngineGauges>();
        // The guard follows the endpoint routing chose, not the path's spelling: '/metrics/', '/METRICS' and any
        // other form that routes to the exporter meet it (a path-string compare let '/metrics/' through).
        app.UseWhen(http => http.GetEndpoint()?.Metadata.GetMetadata<MetricsReaders>() is not null, branch => branch.Use(GuardAsync));
        app.MapPrometheusScrapingEndpoint(Path).AllowAnonymous().WithMetadata(MetricsReaders.Only).WithName("Metrics");
        return app;
    }

    /// <summary>Marks the endpoint that only admins and the scraper may reach.</summary>
    private sealed class MetricsReaders
    {
        public static readonly MetricsReaders Only = new();
    }

    private static async Task GuardAsync(HttpContext http, RequestDelegate next)
    {
        if (http.User.IsInRole(Roles.Admin) || HasScrapeToken(http))
        {
            await next(http);
            return;
        }

        var signedIn = http.User.Identity?.IsAuthenticated == true;
        http.Response.StatusCode = signedIn ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        await http.Response.WriteAsync(signedIn
            ? "Only admins may read /metrics."
            : "Sign in as an admin, or send the scrape token (WebChat:Metrics:ScrapeToken) as 'Authorization: Bearer <token>'.");
    }

    private static bool HasScrapeToken(HttpContext http)
    {
        var token = http.RequestServices.GetRequiredService<IOptions<MetricsOptions>>().Value.ScrapeToken;
        var values = http.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(token) || values.Count != 1 || values[0] is not { } header || !header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..]), Encoding.UTF8.GetBytes(token));
    }
}
