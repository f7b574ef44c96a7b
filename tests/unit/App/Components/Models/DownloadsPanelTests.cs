using Bunit;
using WebChat.Engine.Downloads;
using WebChat.Components.Models;
using WebChat.Data.Entities;
using WebChat.Services.Models;

namespace WebChat.Tests.Unit.App.Components.Models;

public sealed class DownloadsPanelTests : MudComponentTestContext
{
    private static DownloadView View(DownloadState state) =>
        new(Guid.NewGuid(), "acme/tiny", "tiny.gguf", "main", state, 10, 100, 0, null, null, DateTime.UtcNow, null, false);

    [Fact]
    public void An_admin_can_clear_finished_downloads_from_the_panel()
    {
        var cleared = 0;
        var panel = Render<DownloadsPanel>(p => p
            .Add(c => c.Downloads, [View(DownloadState.Failed), View(DownloadState.Downloading)])
            .Add(c => c.CanManage, true)
            .Add(c => c.OnClearFinished, () => cleared++));

        panel.Find("[data-testid=clear-finished]").Click();

        Assert.Equal(1, cleared);
    }

    [Theory]
    [InlineData(false, DownloadState.Failed)]
    [InlineData(true, DownloadState.Downloading)]
    public void Clear_finished_is_offered_only_to_admins_and_only_when_something_finished(bool canManage, DownloadState state)
    {
        var panel = Render<DownloadsPanel>(p => p
            .Add(c => c.Downloads, [View(state)])
            .Add(c => c.CanManage, canManage)
            .Add(c => c.OnClearFinished, () => { }));

        Assert.Empty(panel.FindAll("[data-testid=clear-finished]"));
    }
}
