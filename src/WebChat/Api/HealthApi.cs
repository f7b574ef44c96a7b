using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using Microsoft.Extensions.Options;
using WebChat.Engine.Inference;
using WebChat.Services.Serving.Engines;

namespace WebChat.Api;

/// <summary>The body of /healthz: overall status, whether the database answers, the engine's state, and why it is not ok.</summary>
public sealed record HealthReport(string Status, string Database, string Engine, string? Reason = null);

/// <summary>GET /healthz for load balancers and scripts; anonymous.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", GetHealthAsync)
            .WithName("Health")
            .WithSummary("200 when the database answers and no model is loading, else 503 with the reason; includes the engine state.")
            .AllowAnonymous();
        return endpoints;
    }

    public static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> GetHealthAsync(
        IDbContextFactory<WebChatDbContext> dbFactory, IInferenceEngine engine, CancellationToken cancellationToken,
        RemoteEngines? remote = null, IOptions<EnginesOptions>? engines = null)
    {
        var status = engine.Status;
        var localEnabled = engines?.Value.Local.Enabled ?? true;
        var remoteCount = remote?.All.Count ?? 0;
        var remoteReady = remote?.All.Count(e => e.View(remote.Now).Health == RemoteEngineHealth.Ready) ?? 0;
        var engineState = localEnabled ? status.State.ToString() : "Disabled";
        if (remoteCount > 0)
        {
            engineState += $"; remote engines ready: {remoteReady} of {remoteCount}";
        }

        if (!await DatabaseAnswersAsync(dbFactory, cancellationToken))
        {
            return TypedResults.Json(new HealthReport("unhealthy", "unreachable", engineState, "The database does not answer."),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (!localEnabled && remoteReady == 0)
        {
            // Ready while one engine serves: with no local engine, that is a remote one that answers.
            return TypedResults.Json(new HealthReport("unavailable", "ok", engineState, "No remote engine answers yet."),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (status.State == EngineState.Loading && remoteReady == 0)
        {
            // A load balancer should not send requests that would wait for the load.
            return TypedResults.Json(new HealthReport("loading", "ok", engineState, $"Loading model {status.ModelName} ({status.LoadProgress:P0})."),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return TypedResults.Ok(new HealthReport("ok", "ok", engineState));
    }

    private static async Task<bool> DatabaseAnswersAsync(IDbContextFactory<WebChatDbContext> dbFactory, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            // CanConnect alone would create an empty file; asking a real table proves the schema is there too.
            _ = await db.AppSettings.AnyAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
