using Microsoft.AspNetCore.Http;
using WebChat.Engine.Hub;

namespace WebChat.Tests.Unit.Engine.Hub;

/// <summary>What the Hub client does when a server bends or breaks the protocol: redirects, byte ranges, silence, bad JSON.</summary>
public sealed class HubClientProtocolTests
{
    private const string Sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly RepoId Repo = RepoId.Parse("acme/tiny-GGUF");

    [Fact]
    public async Task Resolving_follows_relative_redirects_to_the_file_and_reads_its_size_and_digest()
    {
        await using var server = await ScriptedHttpServer.StartAsync(context =>
        {
            if (context.Request.Path.StartsWithSegments("/acme"))
            {
                context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                context.Response.Headers.Location = "/renamed/tiny.gguf";
                return Task.CompletedTask;
            }

            context.Response.Headers.ETag = $"\"{Sha256}\"";
            context.Response.Headers["X-Repo-Commit"] = "abc123";
            context.Response.ContentLength = 4242;
            return Task.CompletedTask;
        });

        var location = await server.Client.ResolveFileAsync(Repo, "main", "tiny.gguf");

        Assert.Equal(new Uri(server.BaseAddress, "renamed/tiny.gguf"), location.DownloadUri);
        Assert.Equal(4242, location.Size);
        Assert.Equal(Sha256, location.Sha256);
        Assert.Equal("abc123", location.Commit);
    }

    [Fact]
    public async Task A_redirect_loop_ends_in_a_typed_error_not_a_hang()
    {
        var requests = 0;
        await using var server = await ScriptedHttpServer.StartAsync(context =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = context.Request.Path.Value;
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<HubBadResponseException>(() => server.Client.ResolveFileAsync(Repo, "main", "tiny.gguf"));

        Assert.Contains("Too many redirects", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, requests);
    }

    [Fact]
    public async Task A_redirect_without_a_location_is_a_bad_response()
    {
        await using var server = await ScriptedHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<HubBadResponseException>(() => server.Client.GetModelInfoAsync(Repo));

        Assert.Contains("without a Location", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_ignores_the_byte_range_is_refused_so_a_resume_never_appends_the_wrong_bytes()
    {
        await using var server = await ScriptedHttpServer.StartAsync(context => context.Response.WriteAsync("the whole file from byte zero"));

        var error = await Assert.ThrowsAsync<HubBadResponseException>(() =>
            server.Client.GetRangeAsync(new Uri(server.BaseAddress, "file"), 100, 199, "acme/tiny-GGUF/tiny.gguf", CancellationToken.None));

        Assert.Contains("did not honour the byte range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_whole_file_answer_is_accepted_for_a_range_that_starts_at_zero()
    {
        await using var server = await ScriptedHttpServer.StartAsync(context => context.Response.WriteAsync("0123456789"));

        using var response = await server.Client.GetRangeAsync(new Uri(server.BaseAddress, "file"), 0, null, "f", CancellationToken.None);

        Assert.Equal("0123456789", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_partial_answer_from_another_offset_is_refused()
    {
        await using var server = await ScriptedHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = "bytes 0-9/1000";
            return context.Response.WriteAsync("0123456789");
        });

        var error = await Assert.ThrowsAsync<HubBadResponseException>(() =>
            server.Client.GetRangeAsync(new Uri(server.BaseAddress, "file"), 500, 509, "f", CancellationToken.None));

        Assert.Contains("sent bytes from 0 when 500 was asked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_hub_becomes_an_offline_error_after_the_api_timeout()
    {
        await using var server = await ScriptedHttpServer.StartAsync(
            async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted),
            apiTimeout: TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<HubOfflineException>(() => server.Client.GetModelInfoAsync(Repo));

        Assert.Contains("did not answer within", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_own_cancellation_stays_a_cancellation()
    {
        await using var server = await ScriptedHttpServer.StartAsync(async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.Client.GetModelInfoAsync(Repo, cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task An_answer_that_is_not_json_is_a_bad_response()
    {
        await using var server = await ScriptedHttpServer.StartAsync(context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("<html>maintenance</html>");
        });

        var error = await Assert.ThrowsAsync<HubBadResponseException>(() => server.Client.GetFileTreeAsync(Repo));

        Assert.Contains("JSON", error.Message, StringComparison.Ordinal);
    }
}
