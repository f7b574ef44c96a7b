using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebChat.Components.Account;
using WebChat.Configuration;
using WebChat.Services.Accounts;

namespace WebChat.Tests.Unit.App.Security;

public sealed class RevalidationWhileStoppingTests
{
    /// <summary>The database's services as they are while the host disposes them.</summary>
    private sealed class DisposedAccessState : IUserAccessState
    {
        public int Calls { get; private set; }

        public Task<UserAccess?> GetAsync(string userId, CancellationToken cancellationToken = default)
        {
            Calls++;
            throw new ObjectDisposedException("IServiceProvider");
        }

        public Task<bool> IsActiveAsync(string userId, CancellationToken cancellationToken = default) => throw new ObjectDisposedException("IServiceProvider");

        public void Forget(string userId)
        {
        }
    }

    private static Task<bool> ValidateAsync(IdentityRevalidatingAuthenticationStateProvider provider)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u1")], "test"));
        var method = typeof(IdentityRevalidatingAuthenticationStateProvider).GetMethod("ValidateAuthenticationStateAsync", BindingFlags.Instance | BindingFlags.NonPublic)!;
        return (Task<bool>)method.Invoke(provider, [new AuthenticationState(user), CancellationToken.None])!;
    }

    [Fact]
    public async Task Once_the_server_is_stopping_open_sessions_are_not_checked_against_the_disposed_database()
    {
        var accessState = new DisposedAccessState();
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var provider = new IdentityRevalidatingAuthenticationStateProvider(
            NullLoggerFactory.Instance, accessState, new AccountRevocations(accessState, NullLogger<AccountRevocations>.Instance),
            Options.Create(new IdentityOptions()), Options.Create(new SecurityOptions()), lifetime);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => ValidateAsync(provider));
        lifetime.StopApplication();

        Assert.True(await ValidateAsync(provider));
        Assert.Equal(1, accessState.Calls);
    }
}
