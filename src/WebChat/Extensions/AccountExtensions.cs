using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
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
        });

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<WebChatDbContext>()
            .AddSignInManager();

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddSingleton<RegistrationGate>();
        services.AddSingleton<RegistrationPolicy>();
        services.AddScoped<UserRegistration>();
        services.AddScoped<UserDirectory>();
        services.AddScoped<RoleAssignment>();
        return builder;
    }
}
