using WebChat.Data.Entities;

namespace WebChat.Services.Knowledge;

/// <summary>A collection as the Knowledge page and the chat's picker list it, with whether this person may change it.</summary>
public sealed record CollectionView(Guid Id, string Name, string? Description, CollectionScope Scope, bool IsMine, bool CanChange, int Documents, string Embedder);

/// <summary>A file in a collection as the page lists it.</summary>
public sealed record DocumentView(Guid Id, string FileName, long SizeBytes, IngestionStatus Status, string? Error, int ChunkCount, int? PageCount, DateTime CreatedAt);
