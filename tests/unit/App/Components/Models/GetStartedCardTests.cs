using Bunit;
using Microsoft.AspNetCore.Components;
using WebChat.Engine.Downloads;
using WebChat.Components.Models;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;
using WebChat.Services.Models;

namespace WebChat.Tests.Unit.App.Components.Models;

public sealed class GetStartedCardTests : MudComponentTestContext
{
    [Fact]
    public void An_admin_is_offered_the_starter_model_and_the_click_reaches_the_page()
    {
        var clicked = 0;
        var card = Render<GetStartedCard>(p => p
            .Add(c => c.CanManage, true)
            .Add(c => c.StarterRepo, "Qwen/Qwen2.5-0.5B-Instruct-GGUF")
            .Add(c => c.StarterFile, "qwen2.5-0.5b-instruct-q4_k_m.gguf")
            .Add(c => c.OnDownload, EventCallback.Factory.Create(this, () => clicked++)));

        Assert.Contains("qwen2.5-0.5b-instruct-q4_k_m.gguf from Qwen/Qwen2.5-0.5B-Instruct-GGUF", card.Markup, StringComparison.Ordinal);
        card.Find("[data-testid=starter-download]").Click();

        Assert.Equal(1, clicked);
        Assert.NotNull(card.Find("a[href=library]"));
        Assert.NotNull(card.Find("a[href=discover]"));
    }

    [Fact]
    public void A_user_who_is_not_an_admin_is_told_to_ask_the_admin_and_gets_no_buttons()
    {
        var card = Render<GetStartedCard>(p => p.Add(c => c.CanManage, false).Add(c => c.StarterRepo, "acme/starter"));

        Assert.Contains("Ask your admin", card.Find("[data-testid=ask-admin]").TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("button"));
    }

    [Fact]
    public void A_running_download_shows_bytes_percent_speed_and_time_left_in_place()
    {
        var download = new DownloadView(Guid.NewGuid(), "acme/starter", "starter.gguf", "main", DownloadState.Downloading,
            BytesDone: 256L * 1024 * 1024, TotalBytes: 512L * 1024 * 1024, BytesPerSecond: 8 * 1024 * 1024, Eta: TimeSpan.FromSeconds(32), null, DateTime.UtcNow, null);

        var card = Render<GetStartedCard>(p => p.Add(c => c.CanManage, true).Add(c => c.StarterRepo, "acme/starter").Add(c => c.Download, download));

        var progress = card.Find("[data-testid=download-progress]").TextContent;
        Assert.Contains("256 MiB of 512 MiB", progress, StringComparison.Ordinal);
        Assert.Contains("50.0%", progress, StringComparison.Ordinal);
        Assert.Contains("8 MiB/s", progress, StringComparison.Ordinal);
        Assert.Contains("ETA 32 s", progress, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid=starter-download]"));
    }

    [Fact]
    public void Once_installed_the_card_offers_Load_and_then_shows_the_load_progress()
    {
        var model = new ModelChoice("acme/starter/starter.gguf", "starter", 1000, "Q4_K_M", 2000, null, IsLoaded: false);
        string? loaded = null;
        var card = Render<GetStartedCard>(p => p
            .Add(c => c.CanManage, true)
            .Add(c => c.LoadableModel, model)
            .Add(c => c.OnLoad, EventCallback.Factory.Create<string>(this, id => loaded = id)));

        card.Find("[data-testid=starter-load]").Click();
        Assert.Equal(model.Id, loaded);

        card.Render(p => p.Add(c => c.Status, new EngineStatus(EngineState.Loading, "/m/starter.gguf", "starter", 0.4)));
        Assert.Contains("Loading starter… 40%", card.Markup, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid=starter-load]"));
    }
}
