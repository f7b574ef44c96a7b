using WebChat.Services.ApiKeys;
using WebChat.Services.Security;

namespace WebChat.Api.OpenAi;

/// <summary>
/// The only way into /v1: exactly one <c>Authorization: Bearer &lt;key&gt;</c> header. Cookies, query parameters and
/// other headers are ignored; two Authorization headers are refused rather than one of them picked.
/// </summary>
public static class ApiKeyAuthentication
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (ReadBearer(http.Request) is not { } secret)
        {
            return OpenAiError.Unauthorized("Send your API key as 'Authorization: Bearer <key>'. Create one on the Settings page.");
        }

        var limiter = http.RequestServices.GetRequiredService<ApiKeyAttemptLimiter>();
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "";
        if (limiter.IsBlocked(address))
        {
            return OpenAiError.TooManyRequests("Too many wrong API keys from this address. Wait a minute and try again.", "too_many_key_failures", TimeSpan.FromMinutes(1));
        }

        var keys = http.RequestServices.GetRequiredService<ApiKeyService>();
        if (await keys.AuthenticateAsync(secret, http.RequestAborted) is not { } caller)
        {
            limiter.RecordFailure(address);
            return OpenAiError.Unauthorized("The API key is not valid: unknown, revoked, or its account is disabled.");
        }

        http.Features.Set(caller);
        return await next(context);
    }

    /// <summary>The caller the filter let in; only endpoints behind the filter may ask.</summary>
    public static ApiCaller CallerOf(HttpContext http) =>
        http.Features.Get<ApiCaller>() ?? throw new InvalidOperationException("The endpoint is not behind the API key filter.");

    private static string? ReadBearer(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } header)
        {
            return null;
        }

        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var secret = header[scheme.Length..].Trim();
        return secret.Length == 0 || secret.Any(c => char.IsWhiteSpace(c) || c == ',') ? null : secret;
    }
}
