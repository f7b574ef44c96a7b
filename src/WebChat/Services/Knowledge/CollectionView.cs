using WebChat.Data.Entities;

namespace WebChat.Services.Knowledge;

/// <summary>
/// A collection as the Knowledge page and the chat's picker list it, with whether this person may change it, and how
/// many of its passages still wait to be re-embedded for <see cref="Embedder"/> (0 unless its embedder changed).
/// </summary>
public sealed record CollectionView(Guid Id, string Name, string? Description, CollectionScope Scope, bool IsMine, bool CanChange, int Documents, string Embedder, int PassagesToReindex = 0);

/// <summary>A file in a collection as the page lists it.</summary>
public sealed record DocumentView(Guid Id, string FileName, long SizeBytes, IngestionStatus Status, string? Error, int ChunkCount, int? PageCount, DateTime CreatedAt);
