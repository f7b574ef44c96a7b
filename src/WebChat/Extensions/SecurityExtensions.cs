using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Services.Security;

namespace WebChat.Extensions;

internal static class SecurityExtensions
{
    /// <summary>Sign-in protection (rate limits, lockout of unknown e-mails, event log), headers, HSTS and proxies.</summary>
    public static IHostApplicationBuilder AddWebChatSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().Bind(builder.Configuration.GetSection(SecurityOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddSingleton<SecurityHeaders>();
        services.AddSingleton<SecurityEventLog>();
        services.AddSingleton<AccountAttemptLimiter>();
        services.AddSingleton<AccountCreationLimiter>();
        services.AddSingleton<ApiKeyAttemptLimiter>();
        services.AddSingleton<UnknownAccountLockout>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<IOptions<SecurityOptions>>((limiter, security) => AccountFormLimits.Configure(limiter, security.Value));
        services.AddHsts(options =>
        {
            // A LAN server is often reached by IP address: HSTS applies there too (browsers ignore it for IPs, harmlessly).
            options.ExcludedHosts.Clear();
            options.ExcludedHosts.Add("localhost");
            options.MaxAge = TimeSpan.FromDays(180);
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SecurityOptions>>((forwarded, security) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies the operator names are believed; the defaults (loopback) are dropped.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in security.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        return builder;
    }

    /// <summary>The first middleware: trusted proxy headers, security headers on every response, HSTS over HTTPS, HTTP to HTTPS.</summary>
    public static WebApplication UseWebChatSecurity(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.KnownProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        var headers = app.Services.GetRequiredService<SecurityHeaders>();
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                headers.Apply(context.Response.Headers);
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseHsts();
        if (ServesHttps(app.Configuration))
        {
            // Only when an HTTPS address is configured: without one there is nowhere to send the browser.
            app.UseHttpsRedirection();
        }

        return app;
    }

    /// <summary>True when the configuration binds an HTTPS address (urls, HTTPS_PORTS, https_port or a Kestrel endpoint).</summary>
    internal static bool ServesHttps(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"] ?? ""));
        return urls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(configuration["https_ports"]) || !string.IsNullOrEmpty(configuration["https_port"]);
    }

    /// <summary>After routing and authentication: the rate limits and the forced password change.</summary>
    public static WebApplication UseWebChatSignInProtection(this WebApplication app)
    {
        app.UseRateLimiter();
        app.Use(PasswordChangeGate.InvokeAsync);
        return app;
    }
}
