using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Tests.E2E.Chat;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Models;

/// <summary>The team can chat after a restart without an admin: the default model loads at start or on the first message.</summary>
public sealed class DefaultModelTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    [Fact]
    public async Task After_a_restart_with_a_default_model_a_users_first_message_is_answered_without_any_admin_action()
    {
        // The admin names the installed model and marks it as the default on the Library page.
        var admin = await app.NewPageAsync();
        await app.SignInAsAdminAsync(admin);
        await admin.GotoAsync("library");
        await WebChatAppFixture.WaitForInteractiveAsync(admin);
        await admin.GetByTestId("model-settings").ClickAsync();
        var form = admin.GetByTestId("model-settings-form");
        await form.GetByLabel("Display name").FillAsync("Team tiny");
        await form.GetByText("Default model").ClickAsync();
        await form.GetByTestId("save-model-settings").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("library-model")).ToContainTextAsync("Team tiny");
        var userEmail = await app.CreateAccountAsync();
        await admin.Context.CloseAsync();

        await app.RestartAppAsync();

        // A user (not an admin) opens the chat and sends at once: the message waits for the load and is answered.
        var page = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(page, userEmail);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });
        await Assertions.Expect(composer).ToBeEnabledAsync();
        await composer.FillAsync("Hello after the restart");
        await composer.PressAsync("Enter");
        var answer = page.GetByTestId("message").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 90_000 });
        await Assertions.Expect(answer.GetByTestId("message-stats")).ToContainTextAsync("Team tiny");

        Assert.Equal(EngineState.Ready, app.Services.GetRequiredService<IInferenceEngine>().Status.State);
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var stored = await db.Messages.AsNoTracking().Where(m => m.Role == MessageRole.Assistant).ToListAsync();
        Assert.Equal(("Team tiny", MessageStatus.Complete), (stored.Single().Model, stored.Single().Status));
    }
}
