using WebChat.Engine.Gguf;

namespace WebChat.Engine.Storage;

/// <summary>Checks with the GGUF reader that a file is a readable GGUF model before it enters the store.</summary>
internal static class GgufFileCheck
{
    public static async Task EnsureGgufAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await GgufReader.ReadFileAsync(path, cancellationToken: cancellationToken);
        }
        catch (GgufFormatException error)
        {
            throw new NotAGgufFileException(path, error.Message);
        }
        catch (EndOfStreamException)
        {
            throw new NotAGgufFileException(path, "it ends inside its header");
        }
    }
}
