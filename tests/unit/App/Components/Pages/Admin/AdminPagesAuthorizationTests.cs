using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebChat.Services.Accounts;

namespace WebChat.Tests.Unit.App.Components.Pages.Admin;

public sealed class AdminPagesAuthorizationTests
{
    [Theory]
    [InlineData("/admin/storage")]
    [InlineData("/admin/usage")]
    [InlineData("/admin/quotas")]
    [InlineData("/metrics")]
    public async Task A_signed_in_user_without_the_admin_role_is_forbidden(string page)
    {
        await using var app = new WebChatAppFactory();
        using var client = SignedInAs(app, Roles.User);

        using var response = await client.GetAsync(new Uri(page, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("/admin/storage", "Models folder:")]
    [InlineData("/admin/usage", "Requests:")]
    [InlineData("/admin/quotas", "Requests / minute")]
    [InlineData("/metrics", "webchat_requests_running")]
    public async Task An_admin_gets_the_page_with_its_figures(string page, string figure)
    {
        await using var app = new WebChatAppFactory();
        using var client = SignedInAs(app, Roles.Admin);

        using var response = await client.GetAsync(new Uri(page, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(figure, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpClient SignedInAs(WebChatAppFactory app, string role)
    {
        var signedIn = app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, RoleHeaderHandler>(RoleHeaderHandler.SchemeName, null);
            services.PostConfigure<AuthenticationOptions>(o =>
            {
                o.DefaultScheme = RoleHeaderHandler.SchemeName;
                o.DefaultAuthenticateScheme = RoleHeaderHandler.SchemeName;
                o.DefaultChallengeScheme = RoleHeaderHandler.SchemeName;
                o.DefaultForbidScheme = RoleHeaderHandler.SchemeName;
            });
        }));
        var client = signedIn.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(RoleHeaderHandler.Header, role);
        return client;
    }

    /// <summary>Signs the request in as a user holding the role named in a header (cookies and forms are not the subject here).</summary>
    private sealed class RoleHeaderHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestRole";
        public const string Header = "X-Test-Role";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(Header, out var role))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, "test-user"), new Claim(ClaimTypes.Name, "test@example.test"), new Claim(ClaimTypes.Role, role.ToString())],
                SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
