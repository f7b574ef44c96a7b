using MudBlazor.Services;
using WebChat.Api;
using WebChat.Components;
using WebChat.Components.Account;
using WebChat.Services.Chat;
using WebChat.Services.Settings;

namespace WebChat.Extensions;

internal static class UiExtensions
{
    /// <summary>Blazor Server with interactive components, MudBlazor, and the UI's own services.</summary>
    public static IHostApplicationBuilder AddWebChatUi(this IHostApplicationBuilder builder)
    {
        // A message of the full 100,000 characters arrives as one circuit message when sent; chat.js holds back a
        // draft of more than twice that, so no paste can exceed this and close the circuit.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = MessageLimits.CircuitMessageBytes);
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<ThemePreferences>();
        return builder;
    }

    /// <summary>The request pipeline: errors, static files, auth, pages and the non-page endpoints.</summary>
    public static WebApplication UseWebChatPipeline(this WebApplication app)
    {
        app.UseWebChatSecurity();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // Named here, after the security headers: left to the host they run first, and the 302 to the login page,
        // the 401s and the 403s they answer went out without CSP, X-Frame-Options or nosniff.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseWebChatSignInProtection();
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthApi();
        app.MapOpenAiApi();
        app.MapOpenApi().AllowAnonymous(); // /openapi/v1.json: the /v1 API's description, public like the API's own docs
        app.MapMetricsApi();
        app.MapAccountEndpoints();
        // The security headers carry frame-ancestors 'none'; Blazor's own 'self' header would only repeat it more loosely.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
