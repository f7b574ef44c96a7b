namespace WebChat.Services.Chat;

/// <summary>How long one message may be, and the words a person sees when theirs is longer.</summary>
public static class MessageLimits
{
    public const int MaxLength = 100_000;

    /// <summary>Drafts longer than this stay in the browser (chat.js): at up to 6 bytes a character as JSON they fit the circuit's message size.</summary>
    public const int MaxDraftSent = 2 * MaxLength;

    /// <summary>The largest message the Blazor circuit accepts from a browser.</summary>
    public const long CircuitMessageBytes = 2 * 1024 * 1024;

    /// <summary>The error for text over the limit; null when it fits.</summary>
    public static string? Check(string text) => text.Length > MaxLength
        ? $"This message has {text.Length:N0} characters; a message can have at most {MaxLength:N0}. Shorten it and send again (your text is kept)."
        : null;
}
