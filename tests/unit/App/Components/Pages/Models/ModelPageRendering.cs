using System.Security.Claims;
using Bunit;
using Bunit.Rendering;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Services;
using WebChat.Services.Accounts;
using WebChat.Tests.Unit.App.Services.Models;

namespace WebChat.Tests.Unit.App.Components.Pages.Models;

/// <summary>What the Discover and Library page tests share: signing a real account in, and rendering a page as MainLayout hosts it.</summary>
internal static class ModelPageRendering
{
    /// <summary>Hosts pages on the app's real services, signed-in state from bUnit, interactive as on the server.</summary>
    public static BunitAuthorizationContext HostOnAppServices(this BunitContext context, IServiceProvider appServices)
    {
        context.Services.AddMudServices();
        context.Services.AddFallbackServiceProvider(appServices);
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        var auth = context.AddAuthorization();
        context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return auth;
    }

    /// <summary>Registers a real account (the first is the admin) and signs it in to bUnit's authorization.</summary>
    public static async Task SignInAsync(this BunitAuthorizationContext auth, IServiceProvider services, string name)
    {
        var principal = await ModelTestUsers.RegisterAsync(services, name);
        auth.SetAuthorized(name);
        if (principal.IsInRole(Roles.Admin))
        {
            auth.SetRoles(Roles.Admin);
        }

        // After the roles: bUnit's SetRoles signs in again without the claims set before it.
        auth.SetClaims(principal.FindFirst(ClaimTypes.NameIdentifier)!);
    }

    /// <summary>Renders the page beside a popover provider: MudSelect needs one, as MainLayout has.</summary>
    public static IRenderedComponent<ContainerFragment> RenderWithPopovers<TPage>(this BunitContext context, params (string Name, object? Value)[] parameters)
        where TPage : IComponent => context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(1);
            foreach (var (name, value) in parameters)
            {
                builder.AddComponentParameter(2, name, value);
            }

            builder.CloseComponent();
        });
}
