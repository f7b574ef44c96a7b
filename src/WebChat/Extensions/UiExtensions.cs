using MudBlazor.Services;
using WebChat.Api;
using WebChat.Components;
using WebChat.Components.Account;
using WebChat.Services.Settings;

namespace WebChat.Extensions;

internal static class UiExtensions
{
    /// <summary>Blazor Server with interactive components, MudBlazor, and the UI's own services.</summary>
    public static IHostApplicationBuilder AddWebChatUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<ThemePreferences>();
        return builder;
    }

    /// <summary>The request pipeline: errors, static files, auth, pages and the non-page endpoints.</summary>
    public static WebApplication UseWebChatPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthApi();
        app.MapOpenAiApi();
        app.MapMetricsApi();
        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
