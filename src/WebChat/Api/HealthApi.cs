using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Engine.Inference;

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
        IDbContextFactory<WebChatDbContext> dbFactory, IInferenceEngine engine, CancellationToken cancellationToken)
    {
        var status = engine.Status;
        var engineState = status.State.ToString();
        if (!await DatabaseAnswersAsync(dbFactory, cancellationToken))
        {
            return TypedResults.Json(new HealthReport("unhealthy", "unreachable", engineState, "The database does not answer."),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (status.State == EngineState.Loading)
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
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
