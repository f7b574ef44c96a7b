using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Components.Pages.Knowledge;
using WebChat.Data.Entities;
using WebChat.Extensions;
using WebChat.Services.Knowledge;
using WebChat.Tests.Unit.App.Components.Pages.Models;
using WebChat.Tests.Unit.App.Services.Models;

namespace WebChat.Tests.Unit.App.Components.Pages.Knowledge;

/// <summary>The Knowledge page on the app's real knowledge services and SQLite.</summary>
public sealed class KnowledgePageTests : BunitContext, IAsyncLifetime
{
    private AppServicesHost _app = null!;
    private BunitAuthorizationContext _auth = null!;

    public async Task InitializeAsync()
    {
        _app = await AppServicesHost.StartAsync(builder => builder.AddWebChatKnowledge());
        _auth = this.HostOnAppServices(_app.Services);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_person_with_no_collection_is_told_how_to_make_one()
    {
        await SignInAsync();

        var page = this.RenderWithPopovers<KnowledgePage>();

        page.WaitForAssertion(() => Assert.Contains("No collections yet", page.Find("[data-testid=collections-empty]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=collection-item]"));
    }

    [Fact]
    public async Task A_person_with_a_collection_sees_it_listed_and_no_words_about_making_one()
    {
        var alice = await SignInAsync();
        await _app.Services.GetRequiredService<KnowledgeService>().CreateAsync(KnowledgeActor.From(alice), "handbook", CollectionScope.Private);

        var page = this.RenderWithPopovers<KnowledgePage>();

        page.WaitForAssertion(() => Assert.Contains("#handbook", page.Find("[data-testid=collection-item]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=collections-empty]"));
    }

    // Alice, not the first account (the administrator), so the page shows what any person sees.
    private async Task<ClaimsPrincipal> SignInAsync()
    {
        await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        var alice = await ModelTestUsers.RegisterAsync(_app.Services, "alice");
        _auth.SetAuthorized("alice");
        _auth.SetClaims(alice.FindFirst(ClaimTypes.NameIdentifier)!);
        return alice;
    }
}
