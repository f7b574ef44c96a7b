using System.Globalization;
using System.Text.Json.Serialization;

namespace WebChat.Api.OpenAi;

/// <summary>The body of every /v1 error: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed record OpenAiErrorBody(OpenAiErrorDetail Error);

public sealed record OpenAiErrorDetail
{
    public required string Message { get; init; }
    public required string Type { get; init; }

    // OpenAI's clients read these keys even when null: written as null rather than left out.
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Code { get; init; }
}

/// <summary>An error answer of the OpenAI-compatible API, with its status and an optional Retry-After.</summary>
public sealed class OpenAiError(int status, string message, string type, string? param = null, string? code = null, TimeSpan? retryAfter = null) : IResult
{
    public int StatusCode { get; } = status;
    public OpenAiErrorDetail Detail { get; } = new() { Message = message, Type = type, Param = param, Code = code };
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static OpenAiError BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    public static OpenAiError Unauthorized(string message) =>
        new(StatusCodes.Status401Unauthorized, message, "invalid_request_error", code: "invalid_api_key");

    public static OpenAiError Forbidden(string message) =>
        new(StatusCodes.Status403Forbidden, message, "permission_error", code: "forbidden");

    public static OpenAiError NotFound(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status404NotFound, message, "invalid_request_error", param, code);

    public static OpenAiError TooLarge(string message) =>
        new(StatusCodes.Status413PayloadTooLarge, message, "invalid_request_error", code: "request_too_large");

    public static OpenAiError TooManyRequests(string message, string code, TimeSpan retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, message, "rate_limit_error", code: code, retryAfter: retryAfter);

    public static OpenAiError Unavailable(string message, string code, TimeSpan? retryAfter = null) =>
        new(StatusCodes.Status503ServiceUnavailable, message, "server_error", code: code, retryAfter: retryAfter);

    public static OpenAiError ServerError(string message) =>
        new(StatusCodes.Status500InternalServerError, message, "server_error", code: "engine_error");

    public OpenAiErrorBody Body => new(Detail);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        if (RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (StatusCode == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        await response.WriteAsJsonAsync(Body, OpenAiJson.Options, httpContext.RequestAborted);
    }
}
