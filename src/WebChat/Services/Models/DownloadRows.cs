using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Downloads;

namespace WebChat.Services.Models;

/// <summary>The Download rows: what <see cref="ModelDownloadService"/> keeps in the database so downloads survive a restart.</summary>
internal sealed class DownloadRows(IDbContextFactory<WebChatDbContext> dbFactory)
{
    public static bool IsUnfinished(DownloadState state) =>
        state is DownloadState.Queued or DownloadState.Downloading or DownloadState.Paused or DownloadState.Verifying;

    /// <summary>The unfinished row of this file, if a download of it was left running, paused or interrupted.</summary>
    public async Task<Download?> FindUnfinishedAsync(string repo, string fileName, string revision, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Downloads.AsNoTracking()
            .Where(d => d.Repo == repo && d.FileName == fileName && d.Revision == revision)
            .Where(d => d.State == DownloadState.Queued || d.State == DownloadState.Downloading || d.State == DownloadState.Paused || d.State == DownloadState.Verifying)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>An unfinished row by id; a finished or unknown one is refused in words.</summary>
    public async Task<Download> UnfinishedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Downloads.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        return row is not null && IsUnfinished(row.State) ? row : throw new ModelOperationException("That download has already finished.");
    }

    public async Task<List<Download>> NewestAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Downloads.AsNoTracking().OrderByDescending(d => d.StartedAt).Take(count).ToListAsync(cancellationToken);
    }

    /// <summary>Inserts the row, or replaces it when it exists (a resumed download keeps its row).</summary>
    public async Task SaveAsync(Download row, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        row.Node ??= db.Node; // the download fills this node's models folder
        if (await db.Downloads.AnyAsync(d => d.Id == row.Id, cancellationToken))
        {
            db.Update(row);
        }
        else
        {
            db.Add(row);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Writes a download's state, bytes, error and end into its row.</summary>
    public async Task WriteAsync(DownloadView view, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Downloads.Where(d => d.Id == view.Id).ExecuteUpdateAsync(set => set
            .SetProperty(d => d.State, view.State)
            .SetProperty(d => d.BytesDone, view.BytesDone)
            .SetProperty(d => d.TotalBytes, view.TotalBytes > 0 ? view.TotalBytes : null)
            .SetProperty(d => d.Error, view.Error)
            .SetProperty(d => d.FinishedAt, view.FinishedAt), cancellationToken);
    }

    /// <summary>Deletes completed, failed and cancelled rows except those of downloads still live; returns how many.</summary>
    public async Task<int> DeleteFinishedAsync(IReadOnlyCollection<Guid> live, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Downloads
            .Where(d => (d.State == DownloadState.Completed || d.State == DownloadState.Failed || d.State == DownloadState.Cancelled) && !live.Contains(d.Id))
            .ExecuteDeleteAsync(cancellationToken);
    }
}
