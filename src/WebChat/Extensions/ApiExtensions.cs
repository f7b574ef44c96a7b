using OpenTelemetry.Metrics;
using WebChat.Api;
using WebChat.Services.Api;
using WebChat.Services.ApiKeys;
using WebChat.Services.Chat;
using WebChat.Services.Metrics;
using WebChat.Services.Quotas;

namespace WebChat.Extensions;

internal static class ApiExtensions
{
    /// <summary>The OpenAI-compatible API, its keys, the per-user quotas, and metrics through OpenTelemetry's Prometheus exporter.</summary>
    public static IHostApplicationBuilder AddWebChatApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddSingleton<ApiModels>();
        builder.Services.AddSingleton<ApiGenerations>();
        builder.Services.AddSingleton<EngineGauges>();
        builder.Services.AddOpenApi(OpenAiApiDescription.DocumentName, OpenAiApiDescription.Configure);
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName);
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GenerationMetrics.MeterName, ChatMetrics.MeterName)
            // ASP.NET Core's own meters: request duration, active requests, connections, SignalR (the circuits).
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
                "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting", "System.Runtime")
            .AddPrometheusExporter());
        return builder;
    }
}
