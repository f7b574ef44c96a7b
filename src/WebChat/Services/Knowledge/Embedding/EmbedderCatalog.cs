namespace WebChat.Services.Knowledge.Embedding;

/// <summary>The embedders this server has, by name; new collections get <see cref="Default"/>.</summary>
public sealed class EmbedderCatalog(IEnumerable<ITextEmbedder> embedders)
{
    private readonly Dictionary<string, ITextEmbedder> byName = embedders.ToDictionary(e => e.Name, StringComparer.Ordinal);

    public ITextEmbedder Default => byName[MiniLmEmbedder.EmbedderName];

    /// <summary>Every embedder this server has, by name.</summary>
    public IReadOnlyCollection<string> Names => byName.Keys;

    public bool Has(string name) => byName.ContainsKey(name);

    /// <summary>The embedder a collection was written with; a collection from an embedder no longer here cannot be searched.</summary>
    public ITextEmbedder Get(string name) => byName.TryGetValue(name, out var embedder)
        ? embedder
        : throw new KnowledgeException($"This collection was indexed with the embedder \"{name}\", which this server no longer has. Re-index it to search it.");
}
