using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

namespace WebChat.Engine.Downloads;

/// <summary>Base of the download manager's expected failures; Message is written for a person.</summary>
public class DownloadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The downloaded bytes do not match the Hub's sha256; the partial file was deleted.</summary>
public sealed class DownloadVerificationException(string file, string expectedSha256, string actualSha256)
    : DownloadException($"{file} failed verification: the Hub says sha256 {expectedSha256} but the download hashes to {actualSha256}. The file was deleted; download it again.")
{
    public string ExpectedSha256 { get; } = expectedSha256;

    public string ActualSha256 { get; } = actualSha256;
}

/// <summary>The Hub gave no sha256 for a file, so it cannot be verified and is not downloaded.</summary>
public sealed class DownloadNotVerifiableException(string file)
    : DownloadException($"{file} has no sha256 on the Hub (not an LFS file), so it cannot be verified.");

/// <summary>A range received no byte within the stall timeout (retried by the manager).</summary>
public sealed class DownloadStalledException(string file, long offset, TimeSpan timeout)
    : DownloadException($"{file}: no data for {timeout.TotalSeconds:0.#} s at byte {offset}.");

/// <summary>A range kept failing (dropped connections, stalls, server errors) after every retry.</summary>
public sealed class DownloadTransferException(string file, Exception inner)
    : DownloadException($"{file} could not be downloaded: the connection kept failing ({inner.Message}). The partial file is kept; resume later.", inner);

/// <summary>The CDN refused a link (expired signature); the file was resolved again and the range is retried.</summary>
public sealed class DownloadLinkRefusedException(string file, Exception inner)
    : DownloadException($"The download link of {file} was refused ({inner.Message}).", inner);

/// <summary>The one classification of download failures: which are expected (the Hub, the network, the disk) and which are bugs.</summary>
public static class DownloadFailures
{
    /// <summary>True for a failure a person can act on; its Message says what happened. Anything else is unexpected.</summary>
    public static bool IsExpected(Exception error) =>
        error is HubException or DownloadException or StorageException or IOException or UnauthorizedAccessException;

    /// <summary>The words for a failure: its own message when expected, a generic sentence with it otherwise.</summary>
    public static string Describe(Exception error) =>
        IsExpected(error) ? error.Message : $"The download failed unexpectedly: {error.Message}";
}
