using System.Collections.Concurrent;
using WebChat.Engine.Catalog;
using WebChat.Engine.Gguf;

namespace WebChat.Services.Models;

/// <summary>Reads each installed file's GGUF header once per file version; header reads are cheap but not free.</summary>
internal sealed class ModelDescriptions
{
    private readonly ConcurrentDictionary<(string Path, long Size), ModelDescriptor?> _known = new();

    /// <summary>The file's descriptor, or null when it is missing or broken (it shows without an estimate; loading it says why).</summary>
    public async Task<ModelDescriptor?> DescribeAsync(string path, long size, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue((path, size), out var known))
        {
            return known;
        }

        ModelDescriptor? descriptor;
        try
        {
            descriptor = await ModelDescriptors.FromFileAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or GgufFormatException or UnauthorizedAccessException)
        {
            descriptor = null;
        }

        return _known[(path, size)] = descriptor;
    }
}
