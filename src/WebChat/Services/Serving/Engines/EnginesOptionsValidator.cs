using Microsoft.Extensions.Options;

namespace WebChat.Services.Serving.Engines;

/// <summary>Stops the start on a remote engine that cannot work, naming the setting.</summary>
public sealed class EnginesOptionsValidator : IValidateOptions<EnginesOptions>
{
    public ValidateOptionsResult Validate(string? name, EnginesOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Remote.Count; i++)
        {
            var engine = options.Remote[i];
            if (RemoteEngineRules.Check(engine.Name, engine.BaseUrl, engine.Kind) is { } problem)
            {
                failures.Add($"Engines:Remote:{i}: {problem}");
            }
        }

        var duplicate = options.Remote.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            failures.Add($"Engines:Remote: two engines are called {duplicate.Key}; each needs its own name.");
        }

        if (options.HealthInterval <= TimeSpan.Zero || options.MaxHealthBackoff < options.HealthInterval)
        {
            failures.Add("Engines:HealthInterval must be above zero and Engines:MaxHealthBackoff at least as long.");
        }

        if (options.Cooldown < TimeSpan.Zero || options.FirstTokenTimeout <= TimeSpan.Zero)
        {
            failures.Add("Engines:Cooldown cannot be negative and Engines:FirstTokenTimeout must be above zero.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The one check of a remote engine's name, address and kind, for configuration and Admin › Engines alike.</summary>
public static class RemoteEngineRules
{
    public const int MaxNameLength = 80;

    /// <summary>Null when the engine can be used; else the problem, in words.</summary>
    public static string? Check(string? name, string? baseUrl, string? kind)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
        {
            return $"an engine needs a name of 1 to {MaxNameLength} characters.";
        }

        if (string.Equals(name.Trim(), LocalReplica.Name, StringComparison.OrdinalIgnoreCase))
        {
            return $"\"{LocalReplica.Name}\" is the in-process engine's name (in usage records and routing); give the remote engine another.";
        }

        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"the address of {name} must be an http(s) address as an OpenAI client takes it, e.g. http://gpu-box:8000/v1.";
        }

        return EngineKinds.IsKnown(kind) ? null : $"the kind of {name} must be one of {string.Join(", ", EngineKinds.All)}.";
    }
}
