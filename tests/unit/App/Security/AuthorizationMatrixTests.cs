using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Services.Accounts;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>
/// Every route the app maps (read from its own endpoint table, so a new page or endpoint cannot be forgotten) is
/// requested as anonymous, user, admin and disabled user, and each answer is checked against the access it must have.
/// </summary>
public sealed partial class AuthorizationMatrixTests
{
    public enum Access
    {
        /// <summary>Anyone, signed in or not.</summary>
        Public,

        /// <summary>Any active signed-in account.</summary>
        SignedIn,

        /// <summary>Active administrators only.</summary>
        Admin,

        /// <summary>The OpenAI-compatible API: a bearer key only; a sign-in cookie of any role gets 401.</summary>
        ApiKey,
    }

    /// <summary>The matrix. A route missing here fails the test: decide who may reach it, then add it.</summary>
    public static readonly IReadOnlyDictionary<string, Access> Expected = new Dictionary<string, Access>
    {
        ["GET /"] = Access.SignedIn,
        ["GET /chat"] = Access.SignedIn,
        ["GET /chat/{ConversationId:guid}"] = Access.SignedIn,
        ["GET /library"] = Access.SignedIn,
        ["GET /knowledge"] = Access.SignedIn,
        ["GET /settings"] = Access.SignedIn,
        ["GET /discover"] = Access.Admin,
        ["GET /admin/storage"] = Access.Admin,
        ["GET /admin/usage"] = Access.Admin,
        ["GET /admin/users"] = Access.Admin,
        ["GET /admin/quotas"] = Access.Admin,
        ["GET /admin/presets"] = Access.Admin,
        ["GET /admin/engine"] = Access.Admin,
        ["GET /admin/engines"] = Access.Admin,
        // Admins, or a scraper with WebChat:Metrics:ScrapeToken (tested in the metrics tests).
        ["GET /metrics"] = Access.Admin,
        ["GET /v1/models"] = Access.ApiKey,
        ["POST /v1/chat/completions"] = Access.ApiKey,
        ["POST /v1/completions"] = Access.ApiKey,
        ["POST /v1/embeddings"] = Access.ApiKey,
        ["GET /v1/{*path:nonfile}"] = Access.ApiKey,
        ["GET /Account/Login"] = Access.Public,
        ["GET /Account/Register"] = Access.Public,
        ["GET /Account/AccessDenied"] = Access.Public,
        ["GET /Account/Manage"] = Access.SignedIn,
        ["GET /Account/Manage/ChangePassword"] = Access.SignedIn,
        ["POST /Account/Logout"] = Access.SignedIn,
        ["GET /Error"] = Access.Public,
        ["GET /not-found"] = Access.Public,
        ["GET /healthz"] = Access.Public,
        // The /v1 API's OpenAPI description: public, like the API reference in the docs.
        ["GET /openapi/{documentName}.json"] = Access.Public,
        ["GET /_blazor/negotiate"] = Access.SignedIn,
        ["GET /_blazor"] = Access.SignedIn,
        ["GET /_blazor/disconnect/"] = Access.SignedIn,
        ["GET /_blazor/initializers/"] = Access.SignedIn,
        ["GET /_framework/opaque-redirect"] = Access.SignedIn,
        // The development-time fallback for files missing from the static asset manifest; the real files are public.
        ["GET /{**path:file}"] = Access.SignedIn,
    };

    public enum Role
    {
        Anonymous,
        User,
        Admin,
        Disabled,
    }

    [Fact]
    public async Task Every_route_answers_each_role_as_the_matrix_says()
    {
        await using var app = new WebChatAppFactory(new Dictionary<string, string?> { ["WebChat:Security:AttemptsPerAddress"] = "1000" });
        var clients = await SignInEveryRoleAsync(app);
        var routes = Routes(app);

        Assert.Empty(routes.Where(r => !Expected.ContainsKey(r)).Select(r => $"'{r}' is not in the matrix: decide who may reach it"));
        var failures = new List<string>();
        foreach (var route in routes)
        {
            foreach (var (role, client) in clients)
            {
                var outcome = await RequestAsync(client, route);
                if (outcome != Allowed(Expected[route], role))
                {
                    failures.Add($"{route} as {role}: {outcome}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/metrics/")]
    [InlineData("/METRICS")]
    [InlineData("/Metrics/")]
    [InlineData("/metrics;x")]
    [InlineData("/metrics?format=prometheus")]
    [InlineData("//metrics")]
    public async Task Metrics_under_any_spelling_of_its_path_are_refused_to_anonymous_callers_and_users(string path)
    {
        await using var app = new WebChatAppFactory(new Dictionary<string, string?> { ["WebChat:Security:AttemptsPerAddress"] = "1000" });
        var clients = await SignInEveryRoleAsync(app);

        foreach (var role in new[] { Role.Anonymous, Role.User, Role.Disabled })
        {
            using var response = await clients[role].GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.False(response.IsSuccessStatusCode && body.Contains("# TYPE", StringComparison.Ordinal),
                $"{path} as {role} answered {(int)response.StatusCode} with the metrics");
        }

        // The admin still reads them under the canonical spellings.
        if (path is "/metrics" or "/metrics/" or "/METRICS")
        {
            using var admin = await clients[Role.Admin].GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        }
    }

    /// <summary>What a role gets: allowed, sent to log in, or refused while signed in.</summary>
    public enum Outcome
    {
        Allowed,
        SentToLogin,
        Refused,
    }

    private static Outcome Allowed(Access access, Role role) => (access, role) switch
    {
        (Access.Public, _) => Outcome.Allowed,
        (Access.ApiKey, _) => Outcome.SentToLogin,
        (_, Role.Anonymous or Role.Disabled) => Outcome.SentToLogin,
        (Access.Admin, Role.User) => Outcome.Refused,
        _ => Outcome.Allowed,
    };

    private static async Task<Outcome> RequestAsync(HttpClient client, string route)
    {
        var method = route[..route.IndexOf(' ', StringComparison.Ordinal)];
        var path = Parameter().Replace(route[(method.Length + 1)..], Guid.NewGuid().ToString());
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([]);
        }

        using var response = await client.SendAsync(request);
        var location = response.Headers.Location?.ToString() ?? "";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => Outcome.SentToLogin,
            HttpStatusCode.Forbidden => Outcome.Refused,
            HttpStatusCode.Redirect or HttpStatusCode.Found when location.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase) => Outcome.SentToLogin,
            HttpStatusCode.Redirect when location.Contains("/Account/AccessDenied", StringComparison.OrdinalIgnoreCase) => Outcome.Refused,
            _ => Outcome.Allowed,
        };
    }

    private static List<string> Routes(WebChatAppFactory app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
            .Select(Describe)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Describe(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
        var method = methods.Contains("GET") ? "GET" : methods[0];
        return $"{method} /{endpoint.RoutePattern.RawText!.TrimStart('/')}";
    }

    private static async Task<Dictionary<Role, HttpClient>> SignInEveryRoleAsync(WebChatAppFactory app)
    {
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        await AccountForms.CreateAccountAsync(app, "user@example.test");
        var disabledId = await AccountForms.CreateAccountAsync(app, "disabled@example.test");
        var clients = new Dictionary<Role, HttpClient>
        {
            [Role.Anonymous] = AccountForms.NewClient(app),
            [Role.User] = AccountForms.NewClient(app),
            [Role.Admin] = AccountForms.NewClient(app),
            [Role.Disabled] = AccountForms.NewClient(app),
        };
        await AccountForms.SignInAsync(clients[Role.Admin], "admin@example.test");
        await AccountForms.SignInAsync(clients[Role.User], "user@example.test");
        await AccountForms.SignInAsync(clients[Role.Disabled], "disabled@example.test");

        // Signed in while still enabled: the cookie it holds must stop working once the account is disabled.
        await using var scope = app.Services.CreateAsyncScope();
        Assert.True((await scope.ServiceProvider.GetRequiredService<AccountControl>().DisableAsync(Actors.Admin, disabledId)).Succeeded);
        return clients;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
