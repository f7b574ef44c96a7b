using WebChat.Engine.Hub;
using WebChat.Tests.Support.FakeHub;

namespace WebChat.Tests.Unit.Engine.Hub;

public class HubClientTests
{
    private static readonly RepoId Tiny = RepoId.Parse("acme/tiny-GGUF");

    private static FakeHubRepo TinyRepo(string? gated = null) => FakeHubServices.RepoWithRandomFile("acme/tiny-GGUF", "tiny.Q8_0.gguf", 4096) with { Gated = gated };

    [Fact]
    public async Task Model_info_lists_each_file_with_its_size_and_lfs_sha256()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());
        var info = await fixture.Client().GetModelInfoAsync(Tiny);

        var file = fixture.Hub.Repo("acme/tiny-GGUF").Files[0];
        var sibling = Assert.Single(info.Siblings!);
        Assert.Equal((file.Path, file.Size, file.Sha256), (sibling.FileName, sibling.Size!.Value, sibling.Lfs!.Sha256!));
        Assert.Equal("apache-2.0", info.License);
    }

    [Fact]
    public async Task The_file_tree_gives_the_lfs_oid_as_sha256()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());
        var tree = await fixture.Client().GetFileTreeAsync(Tiny);

        Assert.Equal(fixture.Hub.Repo("acme/tiny-GGUF").Files[0].Sha256, Assert.Single(tree).Lfs!.Oid);
    }

    [Fact]
    public async Task Search_follows_the_link_header_across_pages_until_the_limit()
    {
        var repos = Enumerable.Range(1, 12).Select(i => FakeHubServices.RepoWithRandomFile($"acme/m{i}-GGUF", "m.gguf", 10, i) with { Downloads = i }).ToArray();
        await using var fixture = await FakeHubFixture.StartAsync(repos);

        var found = await fixture.Client().SearchAsync(new HubSearchRequest { PageSize = 5 }, maxResults: 11).ToListAsync();

        Assert.Equal(Enumerable.Range(2, 11).Reverse().Select(i => $"acme/m{i}-GGUF"), found.Select(m => m.Id));
        Assert.Equal(3, fixture.Hub.Log.Requests.Count(r => r.Route == FakeHubRoute.Api));
    }

    [Fact]
    public async Task Resolving_a_file_reports_the_cdn_address_size_sha256_and_commit()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());
        var location = await fixture.Client().ResolveFileAsync(Tiny, "main", "tiny.Q8_0.gguf");

        var repo = fixture.Hub.Repo("acme/tiny-GGUF");
        Assert.Equal((repo.Files[0].Size, repo.Files[0].Sha256, repo.Sha), (location.Size, location.Sha256, location.Commit));
        Assert.StartsWith("/cdn/", location.DownloadUri.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gated_repository_without_a_token_raises_the_gated_error_asking_for_a_token()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo(gated: "manual"));

        var error = await Assert.ThrowsAsync<HubGatedException>(() => fixture.Client().ResolveFileAsync(Tiny, "main", "tiny.Q8_0.gguf"));

        Assert.False(error.HadToken);
        Assert.Contains("token", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_gated_repository_with_a_token_that_did_not_accept_the_licence_asks_to_accept_it()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo(gated: "manual"));
        fixture.Hub.ValidTokens.Add("hf_valid");

        var error = await Assert.ThrowsAsync<HubGatedException>(() => fixture.Client(o => o.Token = "hf_valid").ResolveFileAsync(Tiny, "main", "tiny.Q8_0.gguf"));

        Assert.True(error.HadToken);
        Assert.Contains("accept its licence", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gated_repository_resolves_with_a_token_that_has_access()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo(gated: "manual"));
        fixture.Hub.ValidTokens.Add("hf_granted");
        fixture.Hub.TokensWithGatedAccess.Add("hf_granted");

        var location = await fixture.Client(o => o.Token = "hf_granted").ResolveFileAsync(Tiny, "main", "tiny.Q8_0.gguf");

        Assert.Equal(4096, location.Size);
    }

    [Fact]
    public async Task An_invalid_token_raises_the_unauthorized_error()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());

        await Assert.ThrowsAsync<HubUnauthorizedException>(() => fixture.Client(o => o.Token = "hf_wrong").GetModelInfoAsync(Tiny));
    }

    [Fact]
    public async Task An_unknown_repository_or_file_raises_not_found()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());
        var client = fixture.Client();

        await Assert.ThrowsAsync<HubNotFoundException>(() => client.GetModelInfoAsync(RepoId.Parse("acme/nothing")));
        await Assert.ThrowsAsync<HubNotFoundException>(() => client.ResolveFileAsync(Tiny, "main", "missing.gguf"));
    }

    [Fact]
    public async Task An_unreachable_hub_raises_offline()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());
        var client = fixture.Client(o => o.MaxRetries = 1);
        await fixture.Hub.DisposeAsync();

        await Assert.ThrowsAsync<HubOfflineException>(() => client.GetModelInfoAsync(Tiny));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_429_is_retried_after_the_advertised_wait(bool asRetryAfter)
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());
        fixture.Hub.Faults.RateLimitNext(1, TimeSpan.FromSeconds(1), asRetryAfter, FakeHubRoute.Api);

        var info = await fixture.Client().GetModelInfoAsync(Tiny);

        var requests = fixture.Hub.Log.Requests;
        Assert.Equal([429, 200], requests.Select(r => r.Status));
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(950), "the retry came before the advertised second");
        Assert.Equal("acme/tiny-GGUF", info.Id);
    }

    [Fact]
    public async Task A_rate_limit_longer_than_allowed_is_reported_at_once_with_its_wait()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());
        fixture.Hub.Faults.RateLimitNext(1, TimeSpan.FromSeconds(300), route: FakeHubRoute.Api);

        var error = await Assert.ThrowsAsync<HubRateLimitedException>(() => fixture.Client().GetModelInfoAsync(Tiny));

        Assert.Equal(TimeSpan.FromSeconds(300), error.RetryAfter);
        Assert.Single(fixture.Hub.Log.Requests);
    }

    [Fact]
    public async Task Server_errors_are_retried_until_the_hub_answers()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());
        fixture.Hub.Faults.FailNext(2, 503, FakeHubRoute.Api);

        await fixture.Client().GetModelInfoAsync(Tiny);

        Assert.Equal([503, 503, 200], fixture.Hub.Log.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Server_errors_beyond_the_retries_become_a_typed_error()
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());
        fixture.Hub.Faults.FailNext(10, 500, FakeHubRoute.Api);

        await Assert.ThrowsAsync<HubBadResponseException>(() => fixture.Client().GetModelInfoAsync(Tiny));
        Assert.Equal(4, fixture.Hub.Log.Requests.Count);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task The_token_goes_to_the_hub_and_to_the_cdn_only_when_it_is_the_same_host(bool cdnOnOtherHost, bool cdnGetsToken)
    {
        await using var fixture = await FakeHubFixture.StartAsync(TinyRepo());
        fixture.Hub.ValidTokens.Add("hf_secret");
        fixture.Hub.CdnOnOtherHost = cdnOnOtherHost;
        var client = fixture.Client(o => o.Token = "hf_secret");

        var location = await client.ResolveFileAsync(Tiny, "main", "tiny.Q8_0.gguf");
        using (await client.GetRangeAsync(location.DownloadUri, 0, 99, "test", CancellationToken.None))
        {
        }

        var requests = fixture.Hub.Log.Requests;
        Assert.All(requests.Where(r => r.Route == FakeHubRoute.Resolve), r => Assert.Equal("Bearer hf_secret", r.Authorization));
        var cdn = Assert.Single(requests, r => r.Route == FakeHubRoute.Cdn);
        Assert.Equal(cdnGetsToken, cdn.Authorization is not null);
        Assert.Equal(cdnOnOtherHost, cdn.Host.StartsWith("localhost", StringComparison.Ordinal));
    }
}
