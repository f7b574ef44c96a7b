using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Knowledge.Embedding;

/// <summary>
/// The embedders this server has, by name: the built-in ones (MiniLM, shipped in a package) and those of the sources
/// (a GGUF model of the Library, "gguf:owner/repo/file.gguf"; a remote engine's model, "engine/model"). The admin's
/// default for new collections is an app setting, so every node and every restart reads the same one.
/// </summary>
public sealed class EmbedderCatalog(
    IEnumerable<ITextEmbedder> builtIn,
    IEnumerable<IEmbedderSource>? sources = null,
    IDbContextFactory<WebChatDbContext>? dbFactory = null)
{
    public const string DefaultSettingKey = "KnowledgeDefaultEmbedder";

    // The first built-in one (MiniLM in the app) is the default until an admin picks another.
    private readonly IReadOnlyList<ITextEmbedder> builtInList = [.. builtIn];
    private readonly IReadOnlyList<IEmbedderSource> sourceList = [.. sources ?? []];

    /// <summary>The embedder shipped with the server, which needs nothing to work.</summary>
    public ITextEmbedder BuiltIn => builtInList[0];

    /// <summary>The names of the built-in embedders.</summary>
    public IReadOnlyCollection<string> BuiltInNames => [.. builtInList.Select(e => e.Name)];

    public bool IsBuiltIn(string name) => builtInList.Any(e => e.Name == name);

    /// <summary>Whether the name stands for an embedder here (one that may be unavailable right now).</summary>
    public bool Has(string name) => Find(name) is not null;

    /// <summary>The embedder a collection was written with; a collection from an embedder no longer here cannot be searched.</summary>
    public ITextEmbedder Get(string name) => Find(name)
        ?? throw new KnowledgeException($"This collection was indexed with the embedder \"{name}\", which this server no longer has. Re-index it to search it.");

    /// <summary>The embedder new collections get: the admin's choice, or the built-in one when none was made.</summary>
    public async Task<ITextEmbedder> DefaultAsync(CancellationToken cancellationToken = default)
    {
        if (dbFactory is null)
        {
            return BuiltIn;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var name = await db.AppSettings.AsNoTracking().Where(s => s.Key == DefaultSettingKey).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
        return name is not null && Find(name) is { } chosen ? chosen : BuiltIn;
    }

    /// <summary>Makes <paramref name="name"/> the embedder of new collections, once it has embedded a text here.</summary>
    public async Task SetDefaultAsync(string name, CancellationToken cancellationToken = default)
    {
        if (dbFactory is null)
        {
            throw new InvalidOperationException("The catalog has no database to keep the default embedder in.");
        }

        await ProbeAsync(name, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.AppSettings.Where(s => s.Key == DefaultSettingKey).ExecuteDeleteAsync(cancellationToken);
        if (name != BuiltIn.Name) // no setting means the built-in one
        {
            db.AppSettings.Add(new AppSetting { Key = DefaultSettingKey, Value = name });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Embeds one text with <paramref name="name"/> and returns its vector length: a GGUF model loads, a remote engine
    /// answers, or the person reads why not before a collection is moved to it.
    /// </summary>
    public async Task<int> ProbeAsync(string name, CancellationToken cancellationToken = default)
    {
        var embedder = Find(name) ?? throw new KnowledgeException($"This server has no embedder named \"{name}\".");
        var vector = (await embedder.EmbedAsync(["WebChat checks that this embedder works."], cancellationToken))[0];
        return vector.Length;
    }

    /// <summary>Every embedder an admin can pick now: the built-in ones first.</summary>
    public async Task<IReadOnlyList<EmbedderChoice>> ChoicesAsync(CancellationToken cancellationToken = default)
    {
        var choices = builtInList.Select(e => new EmbedderChoice(e.Name, $"{e.Name} (built in, {e.Dimensions} dimensions)")).ToList();
        foreach (var source in sourceList)
        {
            choices.AddRange(await source.ChoicesAsync(cancellationToken));
        }

        return choices;
    }

    private ITextEmbedder? Find(string name) =>
        builtInList.FirstOrDefault(e => e.Name == name) ?? sourceList.Select(s => s.Resolve(name)).FirstOrDefault(e => e is not null);
}
