using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Engine.Inference.Native;
using WebChat.Services.Models;

namespace WebChat.Services.Knowledge.Embedding;

/// <summary>
/// The Library's GGUF models as embedders, named "gguf:" + the installed model's stable id (e.g.
/// "gguf:local/nomic-embed.gguf"). Each is loaded once, on first use, and freed with the application.
/// </summary>
public sealed class GgufEmbedderSource(
    IDbContextFactory<WebChatDbContext> dbFactory,
    Func<string, string> fullPathOf,
    NativeLibrarySelection? nativeLibrary = null,
    int? threads = null) : IEmbedderSource, IDisposable
{
    public const string Prefix = "gguf:";

    private readonly ConcurrentDictionary<string, GgufEmbedder> embedders = new(StringComparer.Ordinal);

    public static string NameOf(string modelId) => Prefix + modelId;

    public ITextEmbedder? Resolve(string name) =>
        name.StartsWith(Prefix, StringComparison.Ordinal) && name.Length > Prefix.Length
            ? embedders.GetOrAdd(name, n => new GgufEmbedder(n, n[Prefix.Length..], ct => PathAsync(n[Prefix.Length..], ct), nativeLibrary, threads))
            : null;

    public async Task<IReadOnlyList<EmbedderChoice>> ChoicesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var models = await db.InstalledModels.AsNoTracking().OrderBy(m => m.Id).ToListAsync(cancellationToken);
        return [.. models.Select(m => new EmbedderChoice(NameOf(m.Id), $"{ModelDisplayName.Of(m)} (GGUF from the Library, loaded apart from the chat model)"))];
    }

    private async Task<string?> PathAsync(string modelId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var relative = await db.InstalledModels.AsNoTracking().Where(m => m.Id == modelId).Select(m => m.RelativePath).FirstOrDefaultAsync(cancellationToken);
        return relative is null ? null : fullPathOf(relative);
    }

    public void Dispose()
    {
        foreach (var embedder in embedders.Values)
        {
            embedder.Dispose();
        }
    }
}
