using System.IO.Compression;

namespace WebChat.Services.Knowledge.Parsing;

/// <summary>
/// Checks a ZIP container (DOCX) before anything opens it: every entry is inflated into nothing while counting, so a
/// file that expands too far (a "zip bomb") is refused on what it really expands to, not on sizes its headers claim.
/// </summary>
public static class ArchiveGuard
{
    private const int MaxEntries = 10_000;

    public static void Check(ReadOnlyMemory<byte> content, long maxExpandedBytes, string kind)
    {
        try
        {
            using var archive = new ZipArchive(new MemoryStream(content.ToArray(), writable: false), ZipArchiveMode.Read);
            if (archive.Entries.Count > MaxEntries)
            {
                throw new DocumentRejectedException($"This {kind} holds {archive.Entries.Count:N0} parts, more than a document has; it was not added.");
            }

            long total = 0;
            var buffer = new byte[81920];
            foreach (var entry in archive.Entries)
            {
                using var stream = entry.Open();
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    total += read;
                    if (total > maxExpandedBytes)
                    {
                        throw new DocumentRejectedException(
                            $"This {kind} expands to more than {maxExpandedBytes / (1024 * 1024):N0} MB when unpacked, so it was not added.");
                    }
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new DocumentRejectedException($"This {kind} is damaged (its ZIP container cannot be read).", e);
        }
    }
}
