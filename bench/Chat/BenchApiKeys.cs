using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data.Entities;
using WebChat.Services.ApiKeys;

namespace WebChat.Bench.Chat;

/// <summary>API keys of new accounts on a <see cref="BenchApp"/>, made through the app's own services.</summary>
internal static class BenchApiKeys
{
    /// <summary>Creates the account <paramref name="email"/> and returns the secret of a new API key of it.</summary>
    public static async Task<string> CreateAsync(BenchApp app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var user = new ApplicationUser { UserName = email, Email = email };
        var created = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().CreateAsync(user, BenchApp.Password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        return (await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(user.Id, "bench")).Secret;
    }
}
