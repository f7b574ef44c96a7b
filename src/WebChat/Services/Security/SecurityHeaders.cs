using Microsoft.Extensions.Options;
using WebChat.Configuration;

namespace WebChat.Services.Security;

/// <summary>
/// The headers every response carries. The Content-Security-Policy allows only this origin, with two allowances the
/// UI needs: inline styles ('unsafe-inline' in style-src: MudBlazor writes its theme as a style element and sizes
/// components with style attributes; Blazor sets styles too) and data: images (icons in MudBlazor's stylesheet).
/// Blazor Server needs no eval and no inline script: its WebSocket to this origin is covered by connect-src 'self'.
/// Markdown images load only from WebChat:Security:AllowedImageHosts.
/// </summary>
public sealed class SecurityHeaders(IOptions<SecurityOptions> options)
{
    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), fullscreen=(self)";

    public string ContentSecurityPolicy { get; } = string.Join("; ",
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src " + string.Join(' ', new[] { "'self'", "data:" }.Concat(options.Value.AllowedImageHosts.Select(h => "https://" + h))),
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'");

    public void Apply(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }
}
