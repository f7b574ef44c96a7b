using System.Net.Http.Headers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.ApiKeys;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Api;

/// <summary>Users, keys and API clients for any app fixture (scripted or real engine).</summary>
internal static class ApiFixtureExtensions
{
    /// <summary>A new account with one API key (the fixture's first account becomes the admin, as in the app).</summary>
    public static async Task<ApiUser> CreateUserWithKeyAsync(this WebChatAppFixture app, string keyName = "test key")
    {
        var email = await app.CreateAccountAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
        var created = await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(user!.Id, keyName);
        return new ApiUser(user.Id, email, created.Key.Id, created.Secret);
    }

    /// <summary>An HttpClient on the app's /v1/ with the key as bearer (none when null).</summary>
    public static HttpClient ApiClient(this WebChatAppFixture app, string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress, "v1/"), Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public static async Task<List<UsageRecord>> UsageOfAsync(this WebChatAppFixture app, string userId)
    {
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.UsageRecords.AsNoTracking().Where(r => r.UserId == userId).OrderBy(r => r.Id).ToListAsync();
    }
}
