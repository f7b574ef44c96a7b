using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine;

namespace WebChat.Services.Knowledge;

/// <summary>
/// Ingests documents one at a time in the background, detached from the page that added them, each on its own
/// cancellation. Pages subscribe to progress; documents left queued or half-done by a restart are taken up at start.
/// </summary>
public sealed partial class IngestionQueue(
    KnowledgeIngestor ingestor,
    IDbContextFactory<WebChatDbContext> dbFactory,
    ILogger<IngestionQueue> logger) : BackgroundService
{
    private readonly Channel<Guid> queue = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> cancellations = new();
    private readonly ConcurrentDictionary<Guid, IngestionProgress> latest = new();
    private readonly Observers<IngestionProgress> observers = new();

    public void Enqueue(Guid documentId)
    {
        cancellations.TryAdd(documentId, new CancellationTokenSource());
        Report(new IngestionProgress(documentId, IngestionStatus.Queued, 0, 0, null));
        queue.Writer.TryWrite(documentId);
    }

    /// <summary>Stops a queued or running ingestion; nothing of the document is kept but its row, marked cancelled.</summary>
    public void Cancel(Guid documentId)
    {
        if (cancellations.TryGetValue(documentId, out var cancellation))
        {
            cancellation.Cancel();
        }
    }

    /// <summary>The last progress of a document queued or ingested since the server started, if any.</summary>
    public IngestionProgress? Progress(Guid documentId) => latest.GetValueOrDefault(documentId);

    public IDisposable Subscribe(Action<IngestionProgress> observer) => observers.Add(observer);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RequeueUnfinishedAsync(stoppingToken);
        await foreach (var documentId in queue.Reader.ReadAllAsync(stoppingToken))
        {
            if (!cancellations.TryGetValue(documentId, out var cancellation))
            {
                continue;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation.Token, stoppingToken);
            try
            {
                await ingestor.IngestAsync(documentId, Report, linked.Token);
            }
            finally
            {
                cancellations.TryRemove(documentId, out _);
                cancellation.Dispose();
            }
        }
    }

    private async Task RequeueUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var unfinished = await db.KnowledgeDocuments
            .Where(d => d.Status == IngestionStatus.Queued || d.Status == IngestionStatus.Ingesting)
            .OrderBy(d => d.CreatedAt)
            .Select(d => d.Id)
            .ToListAsync(cancellationToken);
        foreach (var id in unfinished)
        {
            Enqueue(id);
        }
    }

    private void Report(IngestionProgress progress)
    {
        latest[progress.DocumentId] = progress;
        observers.Notify(progress, e => LogObserverFailed(logger, e));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An ingestion progress observer failed")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception);
}
