using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Engine.Downloads;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Models;

/// <summary>First run in Chromium: from registration to a streamed answer with the starter model, in two clicks.</summary>
public sealed class StarterModelTests(FirstRunAppFixture app) : IClassFixture<FirstRunAppFixture>
{
    [Fact]
    public async Task The_first_admin_downloads_the_starter_model_from_the_chat_page_loads_it_and_gets_an_answer()
    {
        var page = await app.NewPageAsync();
        await WebChatAppFixture.RegisterAsync(page, WebChatAppFixture.UniqueEmail("first-admin"));
        await WebChatAppFixture.WaitForInteractiveAsync(page);

        // No model yet: the Get-started card offers the starter model, and the composer says why it is disabled.
        var card = page.GetByTestId("get-started");
        await Assertions.Expect(card).ToContainTextAsync(FirstRunAppFixture.StarterFile);
        await Assertions.Expect(card.GetByTestId("starter-file")).ToContainTextAsync("KiB"); // its size, asked of the Hub
        await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true })).ToBeDisabledAsync();

        // One click downloads it; progress shows in the card while the bytes arrive.
        await card.GetByTestId("starter-download").ClickAsync();
        await Assertions.Expect(card.GetByTestId("download-progress")).ToContainTextAsync("%");
        await Assertions.Expect(card.GetByTestId("download-item")).ToHaveAttributeAsync("data-state", "Downloading");

        // Verified and installed: the card offers to load it; a second click loads it and the composer opens.
        var load = card.GetByTestId("starter-load");
        await Assertions.Expect(load).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await AssertRecordedAsync();
        await load.ClickAsync();
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });
        await Assertions.Expect(composer).ToBeEnabledAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("get-started")).ToHaveCountAsync(0);

        // The model answers: tokens appear in the assistant's message.
        await composer.FillAsync("Hello there");
        await composer.PressAsync("Enter");
        var answer = page.GetByTestId("message").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-role", "Assistant");
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 60_000 });
        Assert.NotEmpty((await answer.Locator(".markdown-body").InnerTextAsync()).Trim());
    }

    private async Task AssertRecordedAsync()
    {
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var download = await db.Downloads.AsNoTracking().SingleAsync();
        Assert.Equal((DownloadState.Completed, FirstRunAppFixture.StarterFile), (download.State, download.FileName));
        Assert.NotNull(download.RequestedByUserId);
        var installed = await db.InstalledModels.AsNoTracking().SingleAsync();
        Assert.Equal(($"{FirstRunAppFixture.StarterRepo}/{FirstRunAppFixture.StarterFile}", ModelSource.Hub, "llama"),
            (installed.Id, installed.Source, installed.Architecture));
    }
}
