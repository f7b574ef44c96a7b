using System.Security.Claims;
using Bunit;
using Bunit.Rendering;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
using WebChat.Components.Pages.Models;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Accounts;
using WebChat.Services.Chat;
using WebChat.Tests.Support.Chat;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Unit.App.Services.Models;

namespace WebChat.Tests.Unit.App.Components.Pages.Models;

/// <summary>The Library page on the app's real model services and SQLite; the engine is the scripted double.</summary>
public sealed class LibraryPageTests : BunitContext, IAsyncLifetime
{
    private readonly ScriptedInferenceEngine _engine = new();
    private AppServicesHost _app = null!;
    private WebChat.Tests.Support.FakeEngine.FakeOpenAiEngine _remote = null!;
    private BunitAuthorizationContext _auth = null!;

    public async Task InitializeAsync()
    {
        _engine.SetStatus(EngineStatus.Empty);
        _remote = await WebChat.Tests.Support.FakeEngine.FakeOpenAiEngine.StartAsync();
        _remote.Models.Clear(); // no remote models unless a test lists one
        _app = await AppServicesHost.StartAsync(builder =>
        {
            builder.AddWebChatEngine();
            builder.AddWebChatModels();
            builder.Services.AddSingleton<IInferenceEngine>(_engine);
            builder.AddWebChatModelServing();
        }, ("Engines:Remote:0:Name", "gpu-box"), ("Engines:Remote:0:BaseUrl", _remote.BaseUrl));
        _auth = this.HostOnAppServices(_app.Services);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _app.DisposeAsync();
        await _remote.DisposeAsync();
    }

    [Fact]
    public async Task Remote_engines_models_are_listed_with_their_engine_and_without_load_or_delete()
    {
        _remote.Models.Add("qwen-72b");
        var engines = _app.Services.GetRequiredService<WebChat.Services.Serving.Engines.RemoteEngines>();
        await engines.ReloadAsync();
        await engines.CheckAsync(engines.All.Single());
        await SignInAsync("admin");

        var page = RenderPage();

        var row = page.Find("[data-testid=library-remote-model]");
        Assert.Equal("engine:qwen-72b", row.GetAttribute("data-model"));
        var table = page.Find("[data-testid=library-remote-table]").TextContent;
        Assert.Contains("gpu-box", table, StringComparison.Ordinal);
        Assert.Contains("available", table, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=library-remote-table] button"));
        Assert.NotNull(page.Find("[data-testid=library-empty]")); // no file of it here: the installed list stays empty
    }

    [Fact]
    public async Task An_admin_imports_a_GGUF_by_path_loads_it_and_sees_it_marked_loaded()
    {
        await SignInAsync("admin");
        var source = Path.Combine(_app.DataDirectory, "my-tiny.gguf");
        File.Copy(TestModels.Tiny, source);
        var page = RenderPage();
        Assert.NotNull(page.Find("[data-testid=library-empty]"));

        page.Find("[data-testid=import-gguf] input").Input(source);
        page.Find("[data-testid=import-button]").Click();

        page.WaitForAssertion(() => Assert.Equal("local/my-tiny.gguf", page.Find("[data-testid=library-model]").GetAttribute("data-model")), Eventually.Patience);
        Assert.Contains("F32", page.Find("[data-testid=library-table]").TextContent, StringComparison.Ordinal);
        Assert.Contains($"1 model · {WebChat.Engine.Catalog.ByteSizes.Format(new FileInfo(source).Length)} on disk", page.Find("[data-testid=library-summary]").TextContent, StringComparison.Ordinal);
        page.Find("button[aria-label='Load my-tiny']").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=loaded-marker]")), Eventually.Patience);
        Assert.Equal(EngineState.Ready, _engine.Status.State);
    }

    [Fact]
    public async Task Importing_a_file_that_is_not_a_GGUF_shows_why_and_adds_nothing()
    {
        await SignInAsync("admin");
        var bogus = Path.Combine(_app.DataDirectory, "readme.gguf");
        await File.WriteAllTextAsync(bogus, "not a model");
        var page = RenderPage();

        page.Find("[data-testid=import-gguf] input").Input(bogus);
        page.Find("[data-testid=import-button]").Click();

        page.WaitForAssertion(() => Assert.StartsWith("readme.gguf is not a GGUF model", page.Find("[data-testid=library-error]").TextContent.Trim(), StringComparison.Ordinal), Eventually.Patience);
        Assert.NotNull(page.Find("[data-testid=library-empty]"));
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_sees_no_import_and_no_actions()
    {
        await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        await SignInAsync("user");

        var page = RenderPage();

        Assert.Empty(page.FindAll("[data-testid=import-gguf]"));
        Assert.Contains("Only an admin", page.Markup, StringComparison.Ordinal);
    }

    private Task SignInAsync(string name) => _auth.SignInAsync(_app.Services, name);

    private IRenderedComponent<ContainerFragment> RenderPage() => this.RenderWithPopovers<Library>();
}
