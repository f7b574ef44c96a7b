namespace WebChat.Engine.Hub;

/// <summary>Settings for talking to the Hugging Face Hub (section "WebChat:Hub").</summary>
public sealed class HubOptions
{
    public const string SectionName = "WebChat:Hub";

    /// <summary>Base address of the Hub; when empty, HF_ENDPOINT, else https://huggingface.co.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Access token; when empty, HF_TOKEN, else HUGGING_FACE_HUB_TOKEN. Sent only to the Hub's own host.</summary>
    public string? Token { get; set; }

    /// <summary>Retries of one request on 408, 429 and 5xx before the error reaches the caller.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First backoff delay; each retry doubles it, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A rate limit that asks to wait longer than this is reported at once instead of waited out.</summary>
    public TimeSpan MaxAdvertisedWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of one API call (not of a file download, whose stalls the download manager watches).</summary>
    public TimeSpan ApiTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
