using System.Net;
using System.Text.Json;

namespace WebChat.Engine.Hub;

/// <summary>The one place where HTTP outcomes become typed Hub errors.</summary>
public static class HubErrorClassifier
{
    /// <summary>Turns an unsuccessful response into the matching typed error; `what` names the resource for the message.</summary>
    public static HubException FromResponse(HttpResponseMessage response, string what, bool hadToken, DateTimeOffset now)
    {
        var errorCode = Header(response, "X-Error-Code");
        var serverMessage = Header(response, "X-Error-Message");
        return (response.StatusCode, errorCode) switch
        {
            (_, "GatedRepo") => new HubGatedException(what, hadToken),
            (_, "RepoNotFound") => new HubNotFoundException($"{what} was not found on the Hub (or it is private and the token cannot see it)."),
            (_, "RevisionNotFound") => new HubNotFoundException($"The revision asked for in {what} was not found on the Hub."),
            (_, "EntryNotFound") => new HubNotFoundException($"The file {what} was not found on the Hub."),
            (HttpStatusCode.TooManyRequests, _) => new HubRateLimitedException(RateLimitHeaders.AdvertisedWait(response, now) ?? TimeSpan.FromSeconds(60)),
            (HttpStatusCode.Unauthorized, _) => new HubUnauthorizedException(hadToken
                ? $"The Hub refused the configured token for {what}: check that it is valid."
                : $"{what} needs a Hugging Face token (set HF_TOKEN or WebChat:Hub:Token)."),
            (HttpStatusCode.Forbidden, _) => new HubUnauthorizedException($"The token has no access to {what}.{Suffix(serverMessage)}"),
            (HttpStatusCode.NotFound, _) => new HubNotFoundException($"{what} was not found on the Hub."),
            (HttpStatusCode.RequestTimeout or HttpStatusCode.GatewayTimeout or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, _)
                => new HubOfflineException($"The Hub did not answer for {what} (HTTP {(int)response.StatusCode}). Try again later."),
            _ => new HubBadResponseException($"The Hub answered HTTP {(int)response.StatusCode} for {what}.{Suffix(serverMessage)}"),
        };
    }

    /// <summary>Turns a transport or parsing exception into a typed error; returns null for anything else (a bug, a cancellation).</summary>
    public static HubException? FromException(Exception exception, string what, CancellationToken callerToken) => exception switch
    {
        HubException hub => hub,
        HttpRequestException http => new HubOfflineException($"The Hub cannot be reached for {what}: {http.Message}", http),
        OperationCanceledException cancelled when !callerToken.IsCancellationRequested
            => new HubOfflineException($"The Hub timed out for {what}.", cancelled),
        JsonException json => new HubBadResponseException($"The Hub sent JSON this client cannot read for {what}.", json),
        IOException io => new HubOfflineException($"The connection to the Hub broke for {what}: {io.Message}", io),
        _ => null,
    };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Suffix(string? serverMessage) => string.IsNullOrWhiteSpace(serverMessage) ? "" : $" ({serverMessage})";
}
