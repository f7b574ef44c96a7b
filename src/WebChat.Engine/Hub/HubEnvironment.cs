namespace WebChat.Engine.Hub;

/// <summary>Resolves the Hub's address and token the way huggingface_hub does: configuration, then environment.</summary>
public sealed class HubEnvironment
{
    public const string DefaultEndpoint = "https://huggingface.co";

    public HubEnvironment(HubOptions options, Func<string, string?>? readVariable = null)
    {
        readVariable ??= Environment.GetEnvironmentVariable;
        var endpoint = FirstNonEmpty(options.Endpoint, readVariable("HF_ENDPOINT")) ?? DefaultEndpoint;
        Endpoint = new Uri(endpoint.TrimEnd('/') + "/", UriKind.Absolute);
        Token = FirstNonEmpty(options.Token, readVariable("HF_TOKEN"), readVariable("HUGGING_FACE_HUB_TOKEN"));
    }

    /// <summary>The Hub's base address, always ending in a slash.</summary>
    public Uri Endpoint { get; }

    public string? Token { get; }

    public bool HasToken => Token is not null;

    /// <summary>True when a request to this address may carry the token: same scheme, host and port as the Hub.</summary>
    public bool IsHubHost(Uri address) =>
        string.Equals(address.Scheme, Endpoint.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(address.Authority, Endpoint.Authority, StringComparison.OrdinalIgnoreCase);

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
