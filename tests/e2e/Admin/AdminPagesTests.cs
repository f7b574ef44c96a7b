using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Storage;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Admin;

/// <summary>The admin's Storage and Usage pages in a real browser over the running app.</summary>
public sealed class AdminPagesTests(WebChatAppFixture app) : IClassFixture<WebChatAppFixture>
{
    [Fact]
    public async Task The_admin_deletes_a_model_from_the_storage_page_after_confirming()
    {
        var store = app.Services.GetRequiredService<ModelStore>();
        var model = Path.Combine(store.Root, "acme", "e2e-GGUF", "m.gguf");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        await File.WriteAllBytesAsync(model, new byte[2048]);
        var page = await app.NewPageAsync();
        await app.SignInAsAdminAsync(page);

        await page.GotoAsync("admin/storage");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("storage-summary")).ToContainTextAsync(store.Root);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete acme/e2e-GGUF" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Deleted acme/e2e-GGUF (1 file)")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete acme/e2e-GGUF" })).ToHaveCountAsync(0);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public async Task The_usage_page_counts_an_older_generation_once_all_time_is_chosen()
    {
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            db.UsageRecords.Add(new UsageRecord
            {
                UserId = "e2e", Model = "e2e-old-model", PromptTokens = 10, CompletionTokens = 4, TimeToFirstTokenMs = 50, DurationMs = 400,
                FinishReason = "Stop", CreatedAt = DateTime.UtcNow.AddDays(-60),
            });
            await db.SaveChangesAsync();
        }

        var page = await app.NewPageAsync();
        await app.SignInAsAdminAsync(page);

        await page.GotoAsync("admin/usage");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByText("e2e-old-model")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "All", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "e2e-old-model" })).ToBeVisibleAsync();
    }
}
