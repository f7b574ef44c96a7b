namespace WebChat.Engine.Hub;

/// <summary>Base of the expected failures when talking to the Hub; Message is written for a person.</summary>
public abstract class HubException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The Hub cannot be reached (no network, DNS failure, connection refused, timeout).</summary>
public sealed class HubOfflineException(string message, Exception? inner = null) : HubException(message, inner);

/// <summary>The Hub asked us to slow down; RetryAfter is the wait it advertised.</summary>
public sealed class HubRateLimitedException(TimeSpan retryAfter)
    : HubException($"The Hugging Face Hub is rate limiting requests. Try again in {Math.Ceiling(retryAfter.TotalSeconds):0} s.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The token is missing, invalid or lacks permission for this resource.</summary>
public sealed class HubUnauthorizedException(string message) : HubException(message);

/// <summary>The repository is gated: it needs a token whose owner accepted the licence on the Hub.</summary>
public sealed class HubGatedException(string repo, bool hadToken) : HubException(hadToken
    ? $"{repo} is gated: accept its licence on the Hugging Face Hub with the account that owns the configured token."
    : $"{repo} is gated: it needs a Hugging Face token (set HF_TOKEN or WebChat:Hub:Token) of an account that accepted its licence.")
{
    public string Repo { get; } = repo;

    public bool HadToken { get; } = hadToken;
}

/// <summary>The repository, revision or file does not exist (or is private and invisible to this token).</summary>
public sealed class HubNotFoundException(string message) : HubException(message);

/// <summary>The Hub answered with something this client cannot use (unexpected status, bad JSON, missing header).</summary>
public sealed class HubBadResponseException(string message, Exception? inner = null) : HubException(message, inner);
