using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Models;
using WebChat.Services.Quotas;
using WebChat.Tests.E2E.Chat;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Api;

/// <summary>
/// On the real engine (LLamaSharp, the generated tiny model): a client that leaves mid-stream pays for what the engine
/// produced, and a daily token limit holds against aborted and parallel requests.
/// </summary>
public sealed class AbortedUsageTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    private const int DailyTokens = 100;

    [Fact]
    public async Task A_stream_aborted_after_a_few_tokens_is_recorded_with_the_tokens_the_engine_produced()
    {
        await LoadTinyModelAsync();
        var user = await app.CreateUserWithKeyAsync();
        using var client = AbortingClient(user.Key);

        var read = await AbortAfterAsync(client, textChunks: 3);

        var record = await Eventually.ValueAsync(async () => (await app.UsageOfAsync(user.UserId)).SingleOrDefault());
        Assert.Equal(3, read);
        Assert.Equal("Cancelled", record.FinishReason);
        Assert.True(record.PromptTokens > 3, $"the templated prompt has several tokens, recorded {record.PromptTokens}");
        Assert.True(record.CompletionTokens >= 3, $"3 text chunks were read, {record.CompletionTokens} completion tokens recorded");
    }

    [Fact]
    public async Task A_user_with_a_100_token_daily_limit_cannot_pass_it_by_aborting_streams()
    {
        await LoadTinyModelAsync();
        var user = await app.CreateUserWithKeyAsync();
        await app.Services.GetRequiredService<QuotaService>().SetAsync(Actors.Admin, user.UserId, null, DailyTokens, null);
        using var client = AbortingClient(user.Key);

        var admitted = 0;
        while (await AbortAfterAsync(client, textChunks: 2) is not null)
        {
            admitted++;
            Assert.True(admitted < 30, "30 aborted streams were all admitted: aborting is free");
            // One at a time: the next request starts once this one's record is written.
            await Eventually.TrueAsync(async () => (await app.UsageOfAsync(user.UserId)).Count == admitted);
        }

        AssertWithinLimit(await app.UsageOfAsync(user.UserId));
    }

    [Fact]
    public async Task A_user_with_a_100_token_daily_limit_cannot_pass_it_with_parallel_requests()
    {
        await LoadTinyModelAsync();
        var user = await app.CreateUserWithKeyAsync();
        await app.Services.GetRequiredService<QuotaService>().SetAsync(Actors.Admin, user.UserId, null, DailyTokens, null);
        using var client = app.ApiClient(user.Key);

        // Rounds of six requests of 1,000 answer tokens at once, until the limit refuses all of a round.
        for (var round = 0; round < 10; round++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ApiWire.PostJsonAsync(client, "chat/completions",
                ApiWire.ChatBody(stream: false, model: ChatAppFixture.ModelId, extra: ",\"max_tokens\":1000"))));
            var statuses = responses.Select(r => (int)r.StatusCode).ToList();
            foreach (var response in responses)
            {
                response.Dispose();
            }

            Assert.All(statuses, s => Assert.True(s is 200 or 429, $"status {s}"));
            if (statuses.All(s => s == 429))
            {
                break;
            }
        }

        AssertWithinLimit(await app.UsageOfAsync(user.UserId));
    }

    // Answers may write only what was left when they were admitted; the prompt of the last one is counted on top.
    private static void AssertWithinLimit(List<UsageRecord> records)
    {
        Assert.NotEmpty(records);
        var total = records.Sum(r => r.PromptTokens + r.CompletionTokens);
        Assert.True(records.Sum(r => r.CompletionTokens) > 0, "the answers' tokens were counted");
        Assert.True(total <= DailyTokens + records.Max(r => r.PromptTokens),
            $"{records.Count} requests used {total} tokens against a limit of {DailyTokens}: " + string.Join(", ", records.Select(r => $"{r.PromptTokens}+{r.CompletionTokens} {r.FinishReason}")));
    }

    /// <summary>Streams a long answer and leaves after some text; null when the request was refused (429).</summary>
    private static async Task<int?> AbortAfterAsync(HttpClient client, int textChunks)
    {
        var body = ApiWire.ChatBody(stream: true, model: ChatAppFixture.ModelId, extra: ",\"max_tokens\":4000");
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        // Not kept for reuse: HttpClient would otherwise read the rest of the answer to keep the connection, and the
        // server would see a client that read everything.
        request.Headers.ConnectionClose = true;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if ((int)response.StatusCode == 429)
        {
            return null;
        }

        Assert.Equal(200, (int)response.StatusCode);
        var read = 0;
        await foreach (var data in ApiWire.ReadEventsAsync(await response.Content.ReadAsStreamAsync()))
        {
            if (!data.Contains("\"role\"", StringComparison.Ordinal) && data.Contains("\"content\":\"", StringComparison.Ordinal) && ++read == textChunks)
            {
                break; // disposing the unfinished response closes the connection (nothing is drained, see AbortingClient)
            }
        }

        return read;
    }

    /// <summary>A client that closes a connection it stops reading instead of draining the rest of the answer.</summary>
    private HttpClient AbortingClient(string key)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = new Uri(app.BaseAddress, "v1/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private async Task LoadTinyModelAsync()
    {
        // The API offers what the chat offers: the admin makes the model pickable for users.
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            await db.InstalledModels.Where(m => m.Id == ChatAppFixture.ModelId).ExecuteUpdateAsync(s => s.SetProperty(m => m.UserSelectable, true));
        }

        var options = app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value;
        await app.Services.GetRequiredService<IInferenceEngine>()
            .LoadAsync(ModelLibrary.LoadOptionsFor(Path.Combine(options.ModelsDirectory, "local", "webchat-tiny.gguf")));
    }
}
