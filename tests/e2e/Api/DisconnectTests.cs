using WebChat.Data.Entities;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Api;

/// <summary>A client that goes away mid-stream stops its generation at once, and the request is still recorded.</summary>
public sealed class DisconnectTests : IClassFixture<ApiAppFixture>
{
    private readonly ApiAppFixture app;

    public DisconnectTests(ApiAppFixture app)
    {
        this.app = app;
        app.ResetEngine();
    }

    [Fact]
    public async Task Closing_the_connection_mid_stream_cancels_the_generation_at_once()
    {
        var user = await app.CreateUserWithKeyAsync();
        var produced = 0;
        app.Engine.TokenDelay = TimeSpan.FromMilliseconds(50);
        app.Engine.Script = _ => Endless(() => Interlocked.Increment(ref produced));
        using var client = app.ApiClient(user.Key);

        using (var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(ApiWire.ChatBody(stream: true)) })
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            var events = ApiWire.ReadEventsAsync(await response.Content.ReadAsStreamAsync()).GetAsyncEnumerator();
            for (var i = 0; i < 3; i++)
            {
                Assert.True(await events.MoveNextAsync()); // the role chunk, then text
            }
        } // disposing an unfinished response closes the connection

        var sinceDisconnect = System.Diagnostics.Stopwatch.StartNew();
        var record = await Eventually.ValueAsync(async () => (await app.UsageOfAsync(user.UserId)).SingleOrDefault());
        Assert.True(sinceDisconnect.Elapsed < TimeSpan.FromSeconds(5), $"recorded {sinceDisconnect.Elapsed} after the disconnect");
        Assert.Equal(UsageSource.Api, record.Source);
        Assert.Equal("Cancelled", record.FinishReason);
        var atRecord = Volatile.Read(ref produced);
        Assert.InRange(atRecord, 2, 200); // an endless answer, stopped after a few tokens

        // Nothing is produced after the record: the engine's stream is over, not just no longer read.
        await Task.Delay(app.Engine.TokenDelay * 5);
        Assert.Equal(atRecord, Volatile.Read(ref produced));
    }

    private static IEnumerable<string> Endless(Func<int> onToken)
    {
        while (true)
        {
            onToken();
            yield return "tok ";
        }
    }
}
