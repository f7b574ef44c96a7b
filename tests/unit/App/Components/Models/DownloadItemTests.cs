using Bunit;
using WebChat.Engine.Downloads;
using WebChat.Components.Models;
using WebChat.Data.Entities;
using WebChat.Services.Models;

namespace WebChat.Tests.Unit.App.Components.Models;

public sealed class DownloadItemTests : MudComponentTestContext
{
    private static DownloadView View(DownloadState state, bool interrupted = false, string? error = null) =>
        new(Guid.NewGuid(), "acme/tiny", "tiny.gguf", "main", state, 10, 100, 0, null, error, DateTime.UtcNow, null, interrupted);

    [Fact]
    public void A_download_interrupted_by_a_restart_is_marked_and_offers_Resume_but_not_Pause()
    {
        var item = Render<DownloadItem>(p => p.Add(c => c.Download, View(DownloadState.Downloading, interrupted: true)).Add(c => c.CanManage, true));

        Assert.Equal("Interrupted", item.Find("[data-testid=download-state]").TextContent.Trim());
        Assert.NotNull(item.Find("button[aria-label='Resume download']"));
        Assert.Empty(item.FindAll("button[aria-label='Pause download']"));
    }

    [Fact]
    public void A_failed_download_shows_its_reason_and_no_actions()
    {
        var item = Render<DownloadItem>(p => p.Add(c => c.Download, View(DownloadState.Failed, error: "tiny.gguf failed verification")).Add(c => c.CanManage, true));

        Assert.Equal("tiny.gguf failed verification", item.Find("[data-testid=download-error]").TextContent);
        Assert.Empty(item.FindAll("button"));
    }

    [Fact]
    public void People_who_are_not_admins_see_progress_without_controls()
    {
        var item = Render<DownloadItem>(p => p.Add(c => c.Download, View(DownloadState.Downloading)).Add(c => c.CanManage, false));

        Assert.Contains("10.0%", item.Find("[data-testid=download-progress]").TextContent, StringComparison.Ordinal);
        Assert.Empty(item.FindAll("button"));
    }
}
