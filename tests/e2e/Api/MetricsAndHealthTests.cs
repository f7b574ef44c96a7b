using System.Net.Http.Headers;
using System.Text.Json;
using WebChat.Engine.Inference;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Api;

/// <summary>/metrics in Prometheus format for a scraper with the token (nobody else without a login), and /healthz while a model loads.</summary>
public sealed class MetricsAndHealthTests : IClassFixture<ApiAppFixture>
{
    private readonly ApiAppFixture app;

    public MetricsAndHealthTests(ApiAppFixture app)
    {
        this.app = app;
        app.ResetEngine();
    }

    [Fact]
    public async Task A_scraper_with_the_token_reads_tokens_timings_engine_state_and_aspnetcore_metrics()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var api = app.ApiClient(user.Key);
        using var answer = await ApiWire.PostJsonAsync(api, "chat/completions", ApiWire.ChatBody(stream: false));
        Assert.Equal(200, (int)answer.StatusCode);
        using var scraper = new HttpClient { BaseAddress = app.BaseAddress };

        using var anonymous = await scraper.GetAsync("metrics");
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        using var wrongToken = await scraper.GetAsync("metrics");
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiAppFixture.ScrapeToken);
        // The exporter caches a scrape for a moment: read until the finished request shows.
        var text = await Eventually.ValueAsync(async () =>
        {
            var body = await scraper.GetStringAsync("metrics");
            return body.Contains("webchat_tokens_completion", StringComparison.Ordinal) ? body : null;
        });

        Assert.Equal(401, (int)anonymous.StatusCode);
        Assert.Equal(401, (int)wrongToken.StatusCode);
        Assert.Matches(@"webchat_tokens_completion_total\{[^}]*source=""Api""[^}]*\} [1-9]", text);
        Assert.Matches(@"webchat_tokens_prompt_total\{[^}]*source=""Api""[^}]*\} [1-9]", text);
        Assert.Contains("webchat_time_to_first_token_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("webchat_tokens_per_second_bucket", text, StringComparison.Ordinal);
        Assert.Contains("webchat_requests_running", text, StringComparison.Ordinal);
        Assert.Contains("webchat_requests_queued", text, StringComparison.Ordinal);
        Assert.Contains("webchat_kv_cache_tokens", text, StringComparison.Ordinal);
        Assert.Contains("webchat_kv_cache_usage", text, StringComparison.Ordinal);
        Assert.Matches(@"webchat_model_state\{[^}]*state=""Ready""[^}]*\} 1", text);
        Assert.Contains("webchat_downloads_active", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_answers_503_with_the_reason_while_a_model_loads()
    {
        var ready = app.Engine.Status;
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        try
        {
            app.Engine.SetStatus(new EngineStatus(EngineState.Loading, ready.ModelPath, "scripted", 0.4));

            using var loading = await client.GetAsync("healthz");

            Assert.Equal(503, (int)loading.StatusCode);
            var body = JsonDocument.Parse(await loading.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("loading", body.GetProperty("status").GetString());
            Assert.Contains("Loading model scripted (40", body.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            app.Engine.SetStatus(ready);
        }

        using var after = await client.GetAsync("healthz");
        Assert.Equal(200, (int)after.StatusCode);
    }
}
