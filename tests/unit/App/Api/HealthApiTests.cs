using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using WebChat.Api;
using WebChat.Data;
using WebChat.Engine.Inference;
using Microsoft.Extensions.DependencyInjection;

namespace WebChat.Tests.Unit.App.Api;

public sealed class HealthApiTests
{
    [Fact]
    public async Task Healthz_answers_200_without_a_login_when_the_database_answers()
    {
        await using var app = new WebChatAppFactory();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<HealthReport>();
        Assert.Equal(new HealthReport("ok", "ok", nameof(EngineState.Empty)), report);
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "webchat.db")));
    }

    [Fact]
    public async Task Healthz_answers_503_when_the_database_cannot_be_opened()
    {
        var missingFolder = Path.Combine(Path.GetTempPath(), "webchat-missing-" + Guid.NewGuid().ToString("N"), "webchat.db");
        var options = new DbContextOptionsBuilder<WebChatDbContext>().UseSqlite($"Data Source={missingFolder}").Options;
        var dbFactory = new PooledDbContextFactory<WebChatDbContext>(options);

        var result = await HealthApi.GetHealthAsync(dbFactory, EmptyEngine(), CancellationToken.None);

        var json = Assert.IsType<JsonHttpResult<HealthReport>>(result.Result);
        Assert.Equal(503, json.StatusCode);
        Assert.Equal(new HealthReport("unhealthy", "unreachable", nameof(EngineState.Empty), "The database does not answer."), json.Value);
    }

    [Fact]
    public async Task Healthz_answers_503_when_the_file_exists_but_has_no_schema()
    {
        var emptyDb = Path.Combine(Path.GetTempPath(), $"webchat-empty-{Guid.NewGuid():N}.db");
        var options = new DbContextOptionsBuilder<WebChatDbContext>().UseSqlite($"Data Source={emptyDb};Pooling=False").Options;

        try
        {
            var result = await HealthApi.GetHealthAsync(new PooledDbContextFactory<WebChatDbContext>(options), EmptyEngine(), CancellationToken.None);
            Assert.Equal(503, Assert.IsType<JsonHttpResult<HealthReport>>(result.Result).StatusCode);
        }
        finally
        {
            File.Delete(emptyDb);
        }
    }

    [Fact]
    public async Task Pages_other_than_healthz_send_an_anonymous_visitor_to_the_login_page()
    {
        await using var app = new WebChatAppFactory();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri("/admin/users", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location!.AbsolutePath);
    }

    /// <summary>The real engine before any model is loaded.</summary>
    private static IInferenceEngine EmptyEngine() =>
        new ServiceCollection().AddLogging().AddWebChatInference().BuildServiceProvider().GetRequiredService<IInferenceEngine>();
}
