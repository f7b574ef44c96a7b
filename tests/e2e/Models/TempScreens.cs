using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;
using WebChat.Engine.Gguf;

namespace WebChat.Tests.E2E.Models;

public sealed class TempScreens(FirstRunAppFixture app) : IClassFixture<FirstRunAppFixture>
{
    [Fact]
    public async Task Screens()
    {
        app.Hub.Faults.BandwidthBytesPerSecond = 100_000;
        app.Hub.Add(new FakeHubRepo
        {
            Id = "acme/tiny-chat-GGUF", Downloads = 123456, Likes = 321,
            Files = [new FakeHubFile("tiny-chat-Q8_0.gguf", await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q8_0))),
                     new FakeHubFile("tiny-chat-Q4_0.gguf", await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q4_0)))],
        });
        app.Hub.Add(new FakeHubRepo { Id = "gated/locked-GGUF", Gated = "manual", Downloads = 50, Files = [new FakeHubFile("locked-Q4_0.gguf", await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q4_0)))] });
        var page = await app.NewPageAsync();
        await page.SetViewportSizeAsync(1400, 1000);
        await app.SignInAsAdminAsync(page);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await page.ScreenshotAsync(new() { Path = "/tmp/shot-chat.png" });
        await page.GotoAsync("discover");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await page.GetByTestId("model-result").First.WaitForAsync();
        await page.GetByTestId("show-files").First.ClickAsync();
        await page.GetByTestId("toggle-filters").ClickAsync();
        await page.ScreenshotAsync(new() { Path = "/tmp/shot-discover.png", FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { NameString = "Download tiny-chat-Q8_0.gguf" }).ClickAsync();
        await Task.Delay(1000);
        await page.ScreenshotAsync(new() { Path = "/tmp/shot-downloading.png", FullPage = true });
        await Task.Delay(3000);
        app.Hub.Faults.RateLimitNext(10, TimeSpan.FromSeconds(300));
        await page.GetByRole(AriaRole.Button, new() { NameString = "Search" , Exact = true}).ClickAsync();
        await Task.Delay(1500);
        await page.ScreenshotAsync(new() { Path = "/tmp/shot-ratelimit.png", FullPage = true });
        await page.GotoAsync("library");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Task.Delay(500);
        await page.GetByTestId("import-gguf").GetByLabel("Path on the server").FillAsync("/etc/hostname");
        await page.GetByTestId("import-button").ClickAsync();
        await Task.Delay(800);
        await page.ScreenshotAsync(new() { Path = "/tmp/shot-library.png", FullPage = true });
        var user = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(user, await app.CreateAccountAsync());
        await user.GotoAsync("discover");
        await WebChatAppFixture.WaitForInteractiveAsync(user);
        await user.GetByTestId("model-result").First.WaitForAsync();
        await user.GetByTestId("show-files").First.ClickAsync();
        await user.ScreenshotAsync(new() { Path = "/tmp/shot-user-discover.png", FullPage = true });
    }
}
