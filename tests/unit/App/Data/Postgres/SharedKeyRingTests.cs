using System.Net;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using WebChat.Tests.Support.Postgres;
using WebChat.Tests.Unit.App.Security;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>Two app instances on one PostgreSQL database share the Data Protection key ring, so either reads the other's cookies.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedKeyRingTests(PostgresFixture postgres)
{
    [PostgresFact]
    public async Task A_sign_in_cookie_issued_by_one_instance_is_accepted_by_another_on_the_same_database()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["ConnectionStrings:WebChat"] = database };
        await using var first = new WebChatAppFactory(settings);
        await using var second = new WebChatAppFactory(settings);
        await AccountForms.CreateAccountAsync(first, "gina@example.test");
        var cookies = new CookieContainer();
        using var throughFirst = first.CreateDefaultClient(new CookieContainerHandler(cookies));
        using var throughSecond = second.CreateDefaultClient(new CookieContainerHandler(cookies));
        using var anonymous = second.CreateDefaultClient();

        await AccountForms.SignInAsync(throughFirst, "gina@example.test");

        using (var page = await throughSecond.GetAsync(new Uri("/chat", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var refused = await anonymous.GetAsync(new Uri("/chat", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("/Account/Login", refused.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        await using var db = new PostgresDbFactory(database).CreateDbContext();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
    }
}
