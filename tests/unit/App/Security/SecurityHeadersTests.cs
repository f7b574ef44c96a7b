using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Services.Security;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>Every page (from the app's own endpoint table) and a static file carry the security headers.</summary>
public sealed class SecurityHeadersTests
{
    [Fact]
    public async Task Every_page_carries_the_security_headers()
    {
        await using var app = new WebChatAppFactory();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        using var admin = AccountForms.NewClient(app);
        await AccountForms.SignInAsync(admin, "admin@example.test");
        var pages = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/').Replace("{ConversationId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal))
            .Append("/healthz")
            .Append(StaticFile(app))
            .Distinct()
            .ToList();
        Assert.True(pages.Count >= 15, $"only {pages.Count} pages found");

        var failures = new List<string>();
        foreach (var page in pages)
        {
            using var response = await admin.GetAsync(new Uri(page, UriKind.Relative));
            failures.AddRange(Missing(response).Select(m => $"{page} ({(int)response.StatusCode}): {m}"));
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Redirects_to_login_denials_and_api_refusals_carry_the_security_headers_too()
    {
        await using var app = new WebChatAppFactory();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        await AccountForms.CreateAccountAsync(app, "user@example.test");
        using var anonymous = AccountForms.NewClient(app);
        using var user = AccountForms.NewClient(app);
        await AccountForms.SignInAsync(user, "user@example.test");

        var failures = new List<string>();
        foreach (var (client, path, status) in new[]
        {
            (anonymous, "/chat", HttpStatusCode.Redirect),
            (anonymous, "/admin/users", HttpStatusCode.Redirect),
            (user, "/admin/users", HttpStatusCode.Redirect),
            (anonymous, "/v1/models", HttpStatusCode.Unauthorized),
            (user, "/v1/models", HttpStatusCode.Unauthorized),
            (anonymous, "/metrics", HttpStatusCode.Unauthorized),
            (user, "/metrics", HttpStatusCode.Forbidden),
        })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            if (response.StatusCode != status)
            {
                failures.Add($"{path} answered {(int)response.StatusCode}, not {(int)status}");
            }

            failures.AddRange(Missing(response).Select(m => $"{path} ({(int)response.StatusCode}): {m}"));
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task The_policy_allows_only_this_origin_and_the_allowed_image_hosts()
    {
        await using var app = new WebChatAppFactory(new Dictionary<string, string?> { ["WebChat:Security:AllowedImageHosts:0"] = "images.example.test" });
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri("/Account/Login", UriKind.Relative));

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data: https://images.example.test;", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("<script type=\"importmap\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarded_headers_from_a_proxy_nobody_configured_are_ignored()
    {
        await using var app = new WebChatAppFactory();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/Account/Login", UriKind.Relative));
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await client.SendAsync(request);

        // Served as plain HTTP: no HSTS, and the cookies are not marked as if HTTPS had carried them.
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain(response.Headers.GetValues("Set-Cookie"), c => c.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    private static IEnumerable<string> Missing(HttpResponseMessage response)
    {
        var expected = new Dictionary<string, string>
        {
            ["X-Content-Type-Options"] = "nosniff",
            ["Referrer-Policy"] = "same-origin",
            ["Permissions-Policy"] = SecurityHeaders.PermissionsPolicy,
            ["X-Frame-Options"] = "DENY",
        };
        foreach (var (name, value) in expected)
        {
            if (!response.Headers.TryGetValues(name, out var values) || !values.Contains(value))
            {
                yield return $"{name} is not {value}";
            }
        }

        if (!response.Headers.TryGetValues("Content-Security-Policy", out var policies) || policies.Count() != 1
            || !policies.Single().Contains("default-src 'self'", StringComparison.Ordinal))
        {
            yield return "no single Content-Security-Policy with default-src 'self'";
        }

        if (response.StatusCode >= HttpStatusCode.InternalServerError)
        {
            yield return "server error";
        }
    }

    private static string StaticFile(WebChatAppFactory app) =>
        "/" + app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .First(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is not null && e.RoutePattern.RawText!.EndsWith("app.css", StringComparison.Ordinal))
            .RoutePattern.RawText!.TrimStart('/');
}
