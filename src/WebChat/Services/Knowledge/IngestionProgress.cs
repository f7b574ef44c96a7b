using WebChat.Data.Entities;

namespace WebChat.Services.Knowledge;

/// <summary>Where one document's ingestion is, as the Knowledge page shows it: passages embedded of all, and the time left at the pace so far.</summary>
public sealed record IngestionProgress(Guid DocumentId, IngestionStatus Status, int ChunksDone, int ChunksTotal, TimeSpan? Remaining, string? Error = null);
