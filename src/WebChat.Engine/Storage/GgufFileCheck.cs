using System.Buffers.Binary;

namespace WebChat.Engine.Storage;

/// <summary>Checks that a file starts like a GGUF model before it enters the store.</summary>
internal static class GgufFileCheck
{
    public static async Task EnsureGgufAsync(string path, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        await using var stream = File.OpenRead(path);
        var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        if (read < header.Length || header[0] != 'G' || header[1] != 'G' || header[2] != 'U' || header[3] != 'F')
        {
            throw new NotAGgufFileException(path, "it does not start with the GGUF magic");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
        if (version is < 2 or > 3)
        {
            throw new NotAGgufFileException(path, $"GGUF version {version} is not supported");
        }
    }
}
