using WebChat.Services.Quotas;
using WebChat.Data;
using Microsoft.EntityFrameworkCore;
using Bunit;
using Bunit.Rendering;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Components.Pages.Chat;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Chat;
using WebChat.Tests.Support.Chat;
using WebChat.Tests.Unit.App.Components.Pages.Models;

namespace WebChat.Tests.Unit.App.Components.Pages.Chat;

/// <summary>The chat page on the app's real chat services and SQLite; the engine is the scripted double.</summary>
public sealed class ChatPageTests : BunitContext, IAsyncLifetime
{
    private readonly ScriptedInferenceEngine _engine = new();
    private AppServicesHost _app = null!;
    private BunitAuthorizationContext _auth = null!;

    public async Task InitializeAsync()
    {
        // No starter repository: the page must not ask the Hub for the starter's size.
        _app = await AppServicesHost.StartAsync(builder =>
        {
            builder.AddWebChatEngine();
            builder.AddWebChatModels();
            builder.AddWebChatChat();
            builder.AddWebChatModelServing();
            builder.AddWebChatKnowledge();
            builder.Services.AddSingleton<IInferenceEngine>(_engine);
        }, ("WebChat:StarterModel:Repo", ""));
        _auth = this.HostOnAppServices(_app.Services);
        await _auth.SignInAsync(_app.Services, "alice");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public void Send_shows_the_question_and_then_the_finished_answer()
    {
        var page = this.RenderWithPopovers<ChatPage>();
        Type(page, "Hello there");
        page.Find("form.composer").Submit();

        page.WaitForAssertion(() => Assert.Equal(["User:Complete", "Assistant:Complete"], Messages(page)), Eventually.Patience);
        Assert.Contains("Hello there", page.Find("[data-role=User]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Hello, world!", page.Find("[data-role=Assistant]").TextContent, StringComparison.Ordinal);
        Assert.Equal("", page.Find("textarea.composer-input").GetAttribute("value") ?? "");
    }

    [Fact]
    public void Stop_ends_the_running_answer_and_keeps_it_marked_stopped()
    {
        using var release = new ManualResetEventSlim();
        _engine.Script = _ => HeldAnswer(release);
        var page = this.RenderWithPopovers<ChatPage>();
        Type(page, "Write forever");
        page.Find("form.composer").Submit();
        page.WaitForAssertion(() => Assert.Contains("before", page.Find("[data-testid=live-answer]").TextContent, StringComparison.Ordinal), Eventually.Patience);

        page.Find("[data-testid=stop]").Click();
        release.Set();

        page.WaitForAssertion(() => Assert.Equal(["User:Complete", "Assistant:Stopped"], Messages(page)), Eventually.Patience);
        Assert.Empty(page.FindAll("[data-testid=stop]"));
    }

    [Fact]
    public async Task A_refused_send_shows_why_and_keeps_the_typed_text()
    {
        // Refused by the server, not by the composer: the user's quota allows one request a minute.
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            await _app.Services.GetRequiredService<QuotaService>().SetAsync(Actors.Admin, db.Users.Single().Id, requestsPerMinute: 1, null, null);
        }

        var page = this.RenderWithPopovers<ChatPage>();
        Type(page, "First");
        page.Find("form.composer").Submit();
        page.WaitForAssertion(() => Assert.Equal(["User:Complete", "Assistant:Complete"], Messages(page)), Eventually.Patience);

        Type(page, "A second question");
        page.Find("form.composer").Submit();

        page.WaitForAssertion(() => Assert.Contains("minute", page.Find("[data-testid=chat-error]").TextContent, StringComparison.Ordinal), Eventually.Patience);
        Assert.Equal("A second question", page.Find("textarea.composer-input").GetAttribute("value"));
        Assert.Equal(["User:Complete", "Assistant:Complete"], Messages(page));
    }

    [Fact]
    public void An_engine_failure_while_answering_shows_on_the_answer()
    {
        _engine.FailOnRequest = new EngineBusyException(32);
        var page = this.RenderWithPopovers<ChatPage>();

        Type(page, "Hello");
        page.Find("form.composer").Submit();

        page.WaitForAssertion(() => Assert.Equal(["User:Complete", "Assistant:Failed"], Messages(page)), Eventually.Patience);
        Assert.Contains("busy", page.Find("[data-role=Assistant]").TextContent, StringComparison.OrdinalIgnoreCase);
    }

    // The composer sends its text to the server on change (not on every keystroke), as a browser does on submit or blur.
    private static void Type(IRenderedComponent<ContainerFragment> page, string text) => page.Find("textarea.composer-input").Change(text);

    private static List<string> Messages(IRenderedComponent<ContainerFragment> page) =>
        page.FindAll("[data-testid=message]").Select(m => $"{m.GetAttribute("data-role")}:{m.GetAttribute("data-status")}").ToList();

    // The answer waits for the test between its two tokens, so the test acts while it runs without timing.
    private static IEnumerable<string> HeldAnswer(ManualResetEventSlim release)
    {
        yield return "before";
        release.Wait(TimeSpan.FromSeconds(30));
        yield return " after";
    }
}
