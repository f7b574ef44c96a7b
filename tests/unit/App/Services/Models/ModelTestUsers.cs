using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Services.Accounts;

namespace WebChat.Tests.Unit.App.Services.Models;

/// <summary>Real accounts in the test database (the first is the admin) as the principals the pages pass to the services.</summary>
internal static class ModelTestUsers
{
    public static async Task<ClaimsPrincipal> RegisterAsync(IServiceProvider services, string name)
    {
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync($"{name}-{Guid.NewGuid():N}@example.test", "Passw0rd!");
        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        return new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, result.User!.Id), new Claim(ClaimTypes.Role, result.Role!)], "Test"));
    }
}
