namespace WebChat.Services.Knowledge.Search;

/// <summary>One passage found for a query, with where it came from; <see cref="Score"/> orders hits of one search only.</summary>
public sealed record SearchHit(long ChunkId, Guid DocumentId, Guid CollectionId, string FileName, string? Heading, int? Page, string Text, double Score);

/// <summary>Which rankings a search uses; hybrid is the default, the other two exist to measure it.</summary>
public enum SearchMode
{
    Hybrid,
    Keyword,
    Vector,
}
