using System.Security.Claims;
using Bunit;
using Bunit.Rendering;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
using WebChat.Engine.Downloads;
using WebChat.Components.Pages.Models;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Gguf;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Accounts;
using WebChat.Services.Chat;
using WebChat.Tests.Support.Chat;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Unit.App.Services.Models;

namespace WebChat.Tests.Unit.App.Components.Pages.Models;

/// <summary>The Discover page on the app's real model services, a real SQLite file and the fake Hub (real Kestrel).</summary>
public sealed class DiscoverPageTests : BunitContext, IAsyncLifetime
{
    private const string Repo = "acme/tiny-chat-GGUF";
    private FakeHubServer _hub = null!;
    private AppServicesHost _app = null!;
    private BunitAuthorizationContext _auth = null!;

    public async Task InitializeAsync()
    {
        _hub = await FakeHubServer.StartAsync(
        [
            new FakeHubRepo
            {
                Id = Repo, Downloads = 5000,
                Files = [new FakeHubFile("tiny-chat-Q8_0.gguf", await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q8_0)))],
            },
            new FakeHubRepo
            {
                Id = "locked/gated-GGUF", Gated = "manual", Downloads = 10,
                Files = [new FakeHubFile("gated-Q4_0.gguf", await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q4_0)))],
            },
        ]);
        _app = await AppServicesHost.StartAsync(
            builder =>
            {
                builder.AddWebChatEngine();
                builder.AddWebChatModels();
                builder.Services.AddSingleton<IInferenceEngine>(new ScriptedInferenceEngine());
            },
            ("WebChat:Hub:Endpoint", _hub.BaseAddress.ToString()),
            ("WebChat:Hub:MaxRetries", "1"),
            ("WebChat:Hub:RetryBaseDelay", "00:00:00.010"));
        _auth = this.HostOnAppServices(_app.Services);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _app.DisposeAsync();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_finds_a_model_downloads_its_file_and_sees_it_installed_in_the_panel_and_the_table()
    {
        await SignInAsync("admin");
        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=model-result]").Count), TimeSpan.FromSeconds(20));
        Result(page, Repo).QuerySelector("[data-testid=show-files]")!.Click();
        page.WaitForElement("button[aria-label='Download tiny-chat-Q8_0.gguf']").Click();

        page.WaitForAssertion(() => Assert.Equal("Installed", page.Find("[data-testid=downloads-panel] [data-testid=download-state]").TextContent.Trim()),
            TimeSpan.FromSeconds(20));
        page.WaitForAssertion(() => Assert.Contains("installed", page.Find($"[data-testid=model-file][data-file='tiny-chat-Q8_0.gguf']").TextContent, StringComparison.Ordinal));
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        Assert.Equal($"{Repo}/tiny-chat-Q8_0.gguf", (await db.InstalledModels.SingleAsync()).Id);
        Assert.Equal(DownloadState.Completed, (await db.Downloads.SingleAsync()).State);
    }

    [Fact]
    public async Task Downloading_a_gated_model_without_a_token_says_what_is_needed()
    {
        await SignInAsync("admin");
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=model-result]").Count), TimeSpan.FromSeconds(20));

        Result(page, "locked/gated-GGUF").QuerySelector("[data-testid=show-files]")!.Click();
        page.WaitForElement("button[aria-label='Download gated-Q4_0.gguf']").Click();

        page.WaitForAssertion(() => Assert.Contains("needs a Hugging Face token", page.Find("[data-testid=discover-error]").TextContent, StringComparison.Ordinal),
            TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_rate_limited_search_shows_the_wait_instead_of_results()
    {
        await SignInAsync("admin");
        _hub.Faults.RateLimitNext(5, TimeSpan.FromMinutes(5), route: FakeHubRoute.Api);

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Contains("wait 300 s", page.Find("[data-testid=discover-error]").TextContent, StringComparison.Ordinal),
            TimeSpan.FromSeconds(20));
        Assert.Empty(page.FindAll("[data-testid=model-result]"));
    }

    [Fact]
    public async Task A_Hub_that_cannot_be_reached_is_reported_in_words_and_the_page_keeps_working()
    {
        await SignInAsync("admin");
        await _hub.DisposeAsync(); // Nothing listens on its port any more: connection refused.

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Contains("cannot be reached", page.Find("[data-testid=discover-error]").TextContent, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.NotNull(page.Find("[data-testid=downloads-panel]"));
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_browses_but_is_told_why_downloads_are_not_offered()
    {
        await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        await SignInAsync("user");
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=model-result]").Count), TimeSpan.FromSeconds(20));

        Assert.Contains("Only an admin can download", page.Find("[data-testid=browse-only]").TextContent, StringComparison.Ordinal);
        Result(page, Repo).QuerySelector("[data-testid=show-files]")!.Click();
        page.WaitForElement("[data-testid=model-file]");
        Assert.Empty(page.FindAll("button[aria-label^='Download']"));
    }

    private Task SignInAsync(string name) => _auth.SignInAsync(_app.Services, name);

    private IRenderedComponent<ContainerFragment> RenderPage() => this.RenderWithPopovers<Discover>();

    private static AngleSharp.Dom.IElement Result(IRenderedComponent<ContainerFragment> page, string repo) =>
        page.Find($"[data-testid=model-result][data-repo='{repo}']");
}
