using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Knowledge;

/// <summary>One person's files in collections and chats, as the Storage page lists them against the per-person limit.</summary>
public sealed record KnowledgeStorageRow(string UserId, string Name, int Files, long Bytes, long LimitBytes)
{
    public double ShareOfLimit => LimitBytes == 0 ? 0 : (double)Bytes / LimitBytes;
}

/// <summary>
/// What each person's documents take, for admins: the same count as the limit checked when a file is added (failed and
/// cancelled files do not count), so the page and the refusal agree.
/// </summary>
public sealed class KnowledgeStorage(IDbContextFactory<WebChatDbContext> dbFactory, IOptions<KnowledgeOptions> options)
{
    public async Task<IReadOnlyList<KnowledgeStorageRow>> ByUserAsync(System.Security.Claims.ClaimsPrincipal caller, CancellationToken cancellationToken = default)
    {
        Accounts.AdminPermissions.EnsureAdmin(caller);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await KnowledgeService.Counted(db.KnowledgeDocuments)
            .GroupBy(d => d.UploadedById)
            .Select(g => new { UserId = g.Key, Files = g.Count(), Bytes = g.Sum(d => d.SizeBytes) })
            .Join(db.Users, g => g.UserId, u => u.Id, (g, u) => new { g.UserId, Name = u.Email ?? u.UserName, g.Files, g.Bytes })
            .ToListAsync(cancellationToken);
        var limit = options.Value.StoragePerUserMegabytes * 1024L * 1024;
        return rows.Select(r => new KnowledgeStorageRow(r.UserId, r.Name ?? r.UserId, r.Files, r.Bytes, limit))
            .OrderByDescending(r => r.Bytes).ToList();
    }
}
