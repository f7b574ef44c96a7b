using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Api.OpenAi;
using WebChat.Data;
using WebChat.Services;
using WebChat.Services.ApiKeys;
using WebChat.Tests.Support.FakeEngine;
using WebChat.Tests.Support.Postgres;
using WebChat.Tests.Unit.App.Security;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>/v1 while the PostgreSQL server restarts: OpenAI's error shape in words, nothing stored, and service again afterwards.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresApiOutageTests(PostgresFixture postgres)
{
    private const string Model = "fake-model";

    [PostgresFact]
    public async Task The_api_answers_503_in_words_while_PostgreSQL_is_away_and_answers_again_once_it_is_back_without_a_restart()
    {
        await using var engine = await FakeOpenAiEngine.StartAsync();
        var database = await postgres.Cluster.CreateDatabaseAsync();
        await using var app = new WebChatAppFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:WebChat"] = database,
            ["Engines:Local:Enabled"] = "false",
            ["Engines:Remote:0:Name"] = "shared",
            ["Engines:Remote:0:BaseUrl"] = engine.BaseUrl,
        });
        var userId = await AccountForms.CreateAccountAsync(app, "admin@example.test");
        var key = await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(userId, "outage");
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        await Eventually.ValueAsync(() => client.GetStringAsync(new Uri("/v1/models", UriKind.Relative)), models => models.Contains(Model, StringComparison.Ordinal), models => "the shared engine's model was never listed: " + models);
        await AssertAnswersAsync(client, stream: false);

        await postgres.Cluster.PauseAsync();
        try
        {
            using (var models = await client.GetAsync(new Uri("/v1/models", UriKind.Relative)))
            {
                await AssertOutageAsync(models);
            }

            foreach (var stream in new[] { false, true })
            {
                using var answer = await client.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative), Request(stream));
                await AssertOutageAsync(answer);
            }
        }
        finally
        {
            await postgres.Cluster.ResumeAsync();
        }

        await AssertAnswersAsync(client, stream: false);
        await AssertAnswersAsync(client, stream: true);
        // One usage record per answer before and after (a stream's is written as it closes); the outage's requests stored nothing.
        var factory = new PostgresDbFactory(database);
        await Eventually.ValueAsync(async () => { await using var db = factory.CreateDbContext(); return await db.UsageRecords.CountAsync(r => r.UserId == userId); }, count => count == 3, count => $"{count} usage records");
        Assert.Equal(3, engine.Served);
    }

    private static object Request(bool stream) => new { model = Model, stream, messages = new[] { new { role = "user", content = "Hello?" } } };

    private static async Task AssertOutageAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(DatabaseOutage.Message, error.GetProperty("message").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Equal(DatabaseOutageFilter.Code, error.GetProperty("code").GetString());
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", body, StringComparison.Ordinal);
    }

    private static async Task AssertAnswersAsync(HttpClient client, bool stream)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative), Request(stream));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        if (stream)
        {
            Assert.Contains(" fake", body, StringComparison.Ordinal);
            Assert.EndsWith("data: [DONE]", body.TrimEnd(), StringComparison.Ordinal);
        }
        else
        {
            using var json = JsonDocument.Parse(body);
            Assert.Equal("Hello from the fake", json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }
    }
}
