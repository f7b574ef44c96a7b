using WebChat.Services;

namespace WebChat.Api.OpenAi;

/// <summary>
/// The outermost filter of /v1: while the shared PostgreSQL server is away for a moment (a restart, a fail-over), a
/// request that needed it gets OpenAI's error shape with 503 and the same words as the chat page, instead of the app's
/// HTML error page, and a client's retry logic waits and tries again. Nothing of the request was stored: every write of
/// /v1 (the usage record, a key's last use) needs the database. The next request after the server is back opens a fresh
/// connection (Npgsql drops the broken ones), so no restart of the node is needed.
/// </summary>
public static class DatabaseOutageFilter
{
    public const string Code = "database_unavailable";

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (DatabaseOutage.Is(e) && !context.HttpContext.Response.HasStarted)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseOutageFilter))
                .LogWarning("An API request failed because the database cannot be reached: {Reason}", e.Message);
            return OpenAiError.Unavailable(DatabaseOutage.Message, Code, TimeSpan.FromSeconds(5));
        }
    }
}
