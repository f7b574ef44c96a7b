using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Models;
using WebChat.Services.Nodes;

namespace WebChat.Services.Serving.Engines;

/// <summary>What an admin enters for a remote engine; a null or empty key on an edit keeps the stored one.</summary>
public sealed record RemoteEngineInput(string Name, string BaseUrl, string Kind, string? ApiKey);

/// <summary>Adds, edits and removes the remote engines of Admin › Engines (admins only). Keys are stored encrypted with Data Protection and never read back out.</summary>
/// <remarks>The other app nodes (several on PostgreSQL) hear of each change and read the list again, as this node does.</remarks>
public sealed class RemoteEngineAdmin(IDbContextFactory<WebChatDbContext> dbFactory, IDataProtectionProvider protection, RemoteEngines engines, INodeSignals signals)
{
    /// <summary>The node signal that tells the other nodes the remote engines changed.</summary>
    public const string ChangedChannel = "remote_engines";

    public async Task<Guid> AddAsync(ClaimsPrincipal user, RemoteEngineInput input, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        Check(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await EnsureNameFreeAsync(db, input.Name.Trim(), null, cancellationToken);
        var row = new RemoteEngine { Name = input.Name.Trim(), BaseUrl = input.BaseUrl.Trim(), Kind = input.Kind, ProtectedApiKey = Protect(input.ApiKey) };
        db.RemoteEngines.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        await ReloadEverywhereAsync(cancellationToken);
        await CheckAsync(row.Name, cancellationToken);
        return row.Id;
    }

    public async Task UpdateAsync(ClaimsPrincipal user, Guid id, RemoteEngineInput input, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        Check(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.RemoteEngines.SingleOrDefaultAsync(e => e.Id == id, cancellationToken)
            ?? throw new ModelOperationException("That engine was removed meanwhile.");
        await EnsureNameFreeAsync(db, input.Name.Trim(), id, cancellationToken);
        (row.Name, row.BaseUrl, row.Kind) = (input.Name.Trim(), input.BaseUrl.Trim(), input.Kind);
        if (!string.IsNullOrEmpty(input.ApiKey))
        {
            row.ProtectedApiKey = Protect(input.ApiKey);
        }

        await db.SaveChangesAsync(cancellationToken);
        await ReloadEverywhereAsync(cancellationToken);
        await CheckAsync(row.Name, cancellationToken);
    }

    /// <summary>Removes an engine; answers it is writing finish (their requests hold their own client).</summary>
    public async Task RemoveAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.RemoteEngines.Where(e => e.Id == id).ExecuteDeleteAsync(cancellationToken);
        await ReloadEverywhereAsync(cancellationToken);
    }

    private async Task ReloadEverywhereAsync(CancellationToken cancellationToken)
    {
        await engines.ReloadAsync(cancellationToken);
        await signals.SendAsync(ChangedChannel, "", cancellationToken);
    }

    private async Task CheckAsync(string name, CancellationToken cancellationToken)
    {
        if (engines.All.FirstOrDefault(e => e.Name == name) is { } engine)
        {
            await engines.CheckAsync(engine, cancellationToken); // the page shows at once whether the address and key work
        }
    }

    private string? Protect(string? key) => string.IsNullOrEmpty(key) ? null : protection.CreateProtector(RemoteEngines.ApiKeyPurpose).Protect(key);

    private async Task EnsureNameFreeAsync(WebChatDbContext db, string name, Guid? id, CancellationToken cancellationToken)
    {
        if (engines.Options.Remote.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
            || await db.RemoteEngines.AnyAsync(e => e.Id != id && e.Name == name, cancellationToken))
        {
            throw new ModelOperationException($"An engine called {name} exists already.");
        }
    }

    private static void Check(RemoteEngineInput input)
    {
        if (RemoteEngineRules.Check(input.Name?.Trim(), input.BaseUrl?.Trim(), input.Kind) is { } problem)
        {
            throw new ModelOperationException(char.ToUpperInvariant(problem[0]) + problem[1..]);
        }
    }
}
