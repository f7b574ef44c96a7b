using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Components.Account;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;

namespace WebChat.Extensions;

internal static class AccountExtensions
{
    /// <summary>Identity with cookies and roles; every endpoint needs a signed-in user unless it says otherwise.</summary>
    public static IHostApplicationBuilder AddWebChatAccounts(this IHostApplicationBuilder builder)
    {
        builder.AddWebChatSecurity();
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.LogoutPath = "/Account/Logout";
            options.AccessDeniedPath = "/Account/AccessDenied";
            options.Events.OnValidatePrincipal = AccountCookieValidator.ValidateAsync;
        });
        services.AddOptions<IdentityOptions>().Configure<IOptions<SecurityOptions>>((identity, security) =>
        {
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = security.Value.MaxFailedSignIns;
            identity.Lockout.DefaultLockoutTimeSpan = security.Value.LockoutDuration;
        });

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<WebChatDbContext>()
            .AddUserManager<AccountUserManager>()
            .AddSignInManager();

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddSingleton<RegistrationGate>();
        services.AddSingleton<RegistrationPolicy>();
        services.AddSingleton<FirstAdminSetup>();
        services.AddHostedService<FirstAdminSetupNotice>();
        services.AddScoped<UserRegistration>();
        services.AddScoped<UserDirectory>();
        services.AddScoped<RoleAssignment>();
        services.AddSingleton<IUserAccessState, UserAccessState>();
        services.AddSingleton<AccountRevocations>();
        services.AddScoped<AccountSignIn>();
        services.AddScoped<AccountControl>();
        // Deleting an account frees the vectors of the collections the database removed with it.
        services.TryAddSingleton<WebChat.Services.Knowledge.Search.VectorIndex>();
        return builder;
    }
}
