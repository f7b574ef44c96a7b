using System.ComponentModel.DataAnnotations;

namespace WebChat.Services.Chat;

/// <summary>Chat behaviour (section "WebChat:Chat").</summary>
public sealed class ChatOptions
{
    public const string SectionName = "WebChat:Chat";

    /// <summary>How often a streaming answer is written to the database, so a crash loses at most this much.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The shortest time between two renders of a streaming answer in one browser tab.</summary>
    /// <remarks>
    /// 33 ms (30 renders a second): on 2 cores, four tabs streaming at 20 ms apart overloaded browser and server
    /// (token-to-DOM p95 330-600 ms) while 33 ms kept it at 80-95 ms; bench/results/chat.md.
    /// </remarks>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan RenderInterval { get; set; } = TimeSpan.FromMilliseconds(33);

    /// <summary>Longest title taken from the first message.</summary>
    [Range(10, 200)]
    public int TitleLength { get; set; } = 60;

    /// <summary>Sampling defaults when neither the user nor the conversation sets them.</summary>
    [Range(0.0, 2.0)]
    public float DefaultTemperature { get; set; } = 0.8f;

    /// <summary>Nucleus sampling default (top-p) when neither the user nor the conversation sets one.</summary>
    [Range(0.0, 1.0)]
    public float DefaultTopP { get; set; } = 0.95f;

    /// <summary>Longest answer in tokens when neither the user nor the conversation sets one.</summary>
    [Range(1, 32768)]
    public int DefaultMaxTokens { get; set; } = 1024;

    /// <summary>Largest conversation file accepted by import.</summary>
    [Range(1024, 100_000_000)]
    public int MaxImportBytes { get; set; } = 10_000_000;

    /// <summary>Most messages an imported conversation may have.</summary>
    [Range(1, 1_000_000)]
    public int MaxImportMessages { get; set; } = 5_000;

    /// <summary>Most characters of all messages of an imported conversation together.</summary>
    [Range(1, 100_000_000)]
    public int MaxImportCharacters { get; set; } = 5_000_000;

    /// <summary>Most conversations one user may import per sliding hour.</summary>
    [Range(1, 10_000)]
    public int MaxImportsPerHour { get; set; } = 20;

    /// <summary>Most characters of messages one user may have stored; an import past it is refused.</summary>
    [Range(1_000, 10_000_000_000)]
    public long MaxStoredCharactersPerUser { get; set; } = 200_000_000;
}
