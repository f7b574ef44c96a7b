using System.Globalization;
using System.Net;
using System.Text.Json;
using WebChat.Engine.Hub;

namespace WebChat.Tests.Unit.Engine.Hub;

public sealed class HubErrorClassifierTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T12:00:00Z", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "RevisionNotFound", typeof(HubNotFoundException), "revision")]
    [InlineData(HttpStatusCode.NotFound, "EntryNotFound", typeof(HubNotFoundException), "The file acme/x")]
    [InlineData(HttpStatusCode.NotFound, null, typeof(HubNotFoundException), "acme/x was not found")]
    [InlineData(HttpStatusCode.Forbidden, null, typeof(HubUnauthorizedException), "no access")]
    [InlineData(HttpStatusCode.BadGateway, null, typeof(HubOfflineException), "HTTP 502")]
    [InlineData(HttpStatusCode.ServiceUnavailable, null, typeof(HubOfflineException), "Try again later")]
    [InlineData(HttpStatusCode.GatewayTimeout, null, typeof(HubOfflineException), "HTTP 504")]
    [InlineData(HttpStatusCode.RequestTimeout, null, typeof(HubOfflineException), "HTTP 408")]
    [InlineData(HttpStatusCode.InternalServerError, null, typeof(HubBadResponseException), "HTTP 500")]
    [InlineData(HttpStatusCode.Conflict, null, typeof(HubBadResponseException), "HTTP 409")]
    public void Each_unsuccessful_answer_becomes_its_typed_error_naming_the_resource(HttpStatusCode status, string? errorCode, Type expected, string inMessage)
    {
        using var response = Response(status, errorCode);

        var error = HubErrorClassifier.FromResponse(response, "acme/x", hadToken: false, Now);

        Assert.IsType(expected, error);
        Assert.Contains(inMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_error_code_header_wins_over_the_status_code()
    {
        using var response = Response(HttpStatusCode.Unauthorized, "RepoNotFound");

        Assert.IsType<HubNotFoundException>(HubErrorClassifier.FromResponse(response, "acme/private", hadToken: true, Now));
    }

    [Fact]
    public void The_server_message_of_a_refusal_is_passed_on_to_the_person()
    {
        using var response = Response(HttpStatusCode.Forbidden, null);
        response.Headers.Add("X-Error-Message", "Access to this model is restricted");

        var error = HubErrorClassifier.FromResponse(response, "acme/x", hadToken: true, Now);

        Assert.EndsWith("(Access to this model is restricted)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unauthorized_answer_says_whether_the_token_was_refused_or_missing()
    {
        using var response = Response(HttpStatusCode.Unauthorized, null);

        Assert.Contains("refused the configured token", HubErrorClassifier.FromResponse(response, "acme/x", hadToken: true, Now).Message, StringComparison.Ordinal);
        Assert.Contains("needs a Hugging Face token", HubErrorClassifier.FromResponse(response, "acme/x", hadToken: false, Now).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rate_limit_without_advice_waits_a_minute()
    {
        using var response = Response(HttpStatusCode.TooManyRequests, null);

        var error = Assert.IsType<HubRateLimitedException>(HubErrorClassifier.FromResponse(response, "acme/x", hadToken: false, Now));

        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
    }

    [Fact]
    public void Transport_and_parsing_failures_become_offline_or_bad_response_errors()
    {
        Assert.IsType<HubOfflineException>(HubErrorClassifier.FromException(new HttpRequestException("refused"), "search", CancellationToken.None));
        Assert.IsType<HubOfflineException>(HubErrorClassifier.FromException(new IOException("reset"), "search", CancellationToken.None));
        Assert.IsType<HubOfflineException>(HubErrorClassifier.FromException(new TaskCanceledException("timeout"), "search", CancellationToken.None));
        Assert.IsType<HubBadResponseException>(HubErrorClassifier.FromException(new JsonException("bad"), "search", CancellationToken.None));
    }

    [Fact]
    public void A_cancellation_by_the_caller_and_a_bug_are_not_turned_into_hub_errors()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var known = new HubNotFoundException("gone");

        Assert.Null(HubErrorClassifier.FromException(new OperationCanceledException(cancelled.Token), "search", cancelled.Token));
        Assert.Null(HubErrorClassifier.FromException(new InvalidOperationException("bug"), "search", CancellationToken.None));
        Assert.Same(known, HubErrorClassifier.FromException(known, "search", CancellationToken.None));
    }

    private static HttpResponseMessage Response(HttpStatusCode status, string? errorCode)
    {
        var response = new HttpResponseMessage(status);
        if (errorCode is not null)
        {
            response.Headers.Add("X-Error-Code", errorCode);
        }

        return response;
    }
}
