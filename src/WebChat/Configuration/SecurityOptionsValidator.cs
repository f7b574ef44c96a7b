using System.Net;
using Microsoft.Extensions.Options;

namespace WebChat.Configuration;

/// <summary>Fails the start when a security setting cannot work, naming the key.</summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        if (options.MaxFailedSignIns < 1)
        {
            failures.Add("WebChat:Security:MaxFailedSignIns must be at least 1.");
        }

        if (options.LockoutDuration <= TimeSpan.Zero || options.AttemptWindow <= TimeSpan.Zero || options.RevalidationInterval <= TimeSpan.Zero)
        {
            failures.Add("WebChat:Security:LockoutDuration, AttemptWindow and RevalidationInterval must be positive times (e.g. \"00:05:00\").");
        }

        if (options.AttemptsPerAddress < 1 || options.AttemptsPerAccount < 1 || options.ApiKeyFailuresPerAddress < 1)
        {
            failures.Add("WebChat:Security:AttemptsPerAddress, AttemptsPerAccount and ApiKeyFailuresPerAddress must be at least 1.");
        }

        if (options.AccountsPerAddressPerHour < 0)
        {
            failures.Add("WebChat:Security:AccountsPerAddressPerHour must be 0 (no limit) or more.");
        }

        failures.AddRange(options.KnownProxies.Where(p => !IPAddress.TryParse(p, out _))
            .Select(p => $"WebChat:Security:KnownProxies has '{p}', which is not an IP address."));
        failures.AddRange(options.AllowedImageHosts.Where(h => Uri.CheckHostName(h) == UriHostNameType.Unknown)
            .Select(h => $"WebChat:Security:AllowedImageHosts has '{h}', which is not a host name."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
