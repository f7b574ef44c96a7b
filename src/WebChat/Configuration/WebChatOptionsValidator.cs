using Microsoft.Extensions.Options;

namespace WebChat.Configuration;

/// <summary>Fails the start with words a person can act on when a folder cannot be created or written.</summary>
internal sealed class WebChatOptionsValidator : IValidateOptions<WebChatOptions>
{
    private const string Hint = "Set WebChat:DataDirectory in appsettings.json (or the WEBCHAT_DATA_DIR environment variable) to a folder WebChat can write to.";

    public ValidateOptionsResult Validate(string? name, WebChatOptions options)
    {
        // The other paths usually sit inside the data directory: when it is unusable, that is the one thing to fix.
        if (CheckWritableFolder("WebChat:DataDirectory", options.DataDirectory) is { } dataFailure)
        {
            return ValidateOptionsResult.Fail($"{dataFailure} {Hint}");
        }

        var failures = new[]
            {
                CheckWritableFolder("WebChat:ModelsDirectory", options.ModelsDirectory),
                CheckWritableFolder("WebChat:DatabasePath's folder", Path.GetDirectoryName(options.DatabasePath) ?? ""),
                Directory.Exists(options.DatabasePath) ? $"WebChat:DatabasePath '{options.DatabasePath}' is a folder, not a file." : null,
            }
            .OfType<string>()
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? CheckWritableFolder(string setting, string path)
    {
        if (File.Exists(path))
        {
            return $"{setting} '{path}' is a file, not a folder.";
        }

        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"{setting} '{path}' cannot be created or written ({e.Message}).";
        }
    }
}
