using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Engine.Inference;
using WebChat.Tests.E2E.Accessibility;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Chat;

/// <summary>An admin's preset in the browser: created on its page, used by a user, its prompt reaches the model; presets only means no model picking.</summary>
public sealed class PresetTests(AccessibilityAppFixture app) : IClassFixture<AccessibilityAppFixture>
{
    [Fact]
    public async Task An_admin_creates_a_preset_a_user_chats_with_it_its_system_prompt_reaches_the_model_and_presets_only_hides_models()
    {
        var adminEmail = await app.CreateAccountAsync(WebChatAppFixture.UniqueEmail("admin"));
        var userEmail = await app.CreateAccountAsync();
        var admin = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(admin, adminEmail);
        await admin.GotoAsync("admin/presets");
        await WebChatAppFixture.WaitForInteractiveAsync(admin);
        var form = admin.GetByTestId("preset-form");
        await form.GetByLabel("Name").FillAsync("Pirate");
        await form.GetByLabel("Description").FillAsync("Answers like a pirate");
        await form.GetByLabel("System prompt").FillAsync("Talk like a pirate.");
        await form.GetByTestId("save-preset").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("preset-table")).ToContainTextAsync("Pirate");
        var presetsOnly = admin.GetByLabel("Presets only: users pick a preset, never a model");
        await presetsOnly.CheckAsync();
        await Assertions.Expect(presetsOnly).ToBeCheckedAsync();
        await admin.ReloadAsync();
        await WebChatAppFixture.WaitForInteractiveAsync(admin);
        await Assertions.Expect(presetsOnly).ToBeCheckedAsync();
        await admin.Context.CloseAsync();

        var page = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(page, userEmail);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("preset-picker")).ToContainTextAsync("Pirate");
        await Assertions.Expect(page.GetByTestId("model-select")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("load-model")).ToHaveCountAsync(0);

        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });
        await composer.FillAsync("Where is the treasure?");
        await composer.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");

        var sent = app.Engine.Requests[^1].Messages;
        Assert.Equal((ChatRole.System, "Talk like a pirate."), (sent[0].Role, sent[0].Content));
        Assert.Equal("Where is the treasure?", sent[^1].Content);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        Assert.Equal("Pirate", (await db.UsageRecords.AsNoTracking().OrderBy(u => u.Id).LastAsync()).Preset);
    }
}
