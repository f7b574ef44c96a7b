using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Engine.Inference;

namespace WebChat.Services.Api;

/// <summary>An installed model as /v1/models lists it.</summary>
public sealed record ApiModel(string Id, DateTime InstalledAt, bool IsLoaded);

/// <summary>What a request's "model" names.</summary>
public enum ModelMatch
{
    /// <summary>The loaded model (or the one loading, or the one the engine reloads after its idle unload).</summary>
    Serving,

    /// <summary>Installed, but another model is loaded; only an admin can switch.</summary>
    NotLoaded,
    Unknown,
}

/// <summary>The API's view of the installed models; ids are InstalledModel ids ("owner/repo/file.gguf", "local/file.gguf").</summary>
public sealed class ApiModels(IDbContextFactory<WebChatDbContext> dbFactory, IInferenceEngine engine, IOptions<WebChatOptions> options)
{
    public async Task<IReadOnlyList<ApiModel>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.InstalledModels.AsNoTracking().OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var loaded = LoadedPath();
        return rows.Select(r => new ApiModel(r.Id, r.InstalledAt, loaded == PathOf(r.RelativePath))).ToList();
    }

    /// <summary>Matches a requested model by id, file name, or file name without ".gguf"; returns the installed id when found.</summary>
    public async Task<(ModelMatch Match, string? Id)> ResolveAsync(string requested, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.InstalledModels.AsNoTracking().ToListAsync(cancellationToken);
        var row = rows.FirstOrDefault(r => r.Id == requested)
            ?? rows.FirstOrDefault(r => r.FileName == requested || Path.GetFileNameWithoutExtension(r.FileName) == requested);
        if (row is null)
        {
            return (ModelMatch.Unknown, null);
        }

        var loaded = LoadedPath();
        // With no model in the engine, the request goes on: after an idle unload the engine reloads its last model.
        return (loaded is null || loaded == PathOf(row.RelativePath) ? ModelMatch.Serving : ModelMatch.NotLoaded, row.Id);
    }

    private string? LoadedPath() =>
        engine.Status is { State: EngineState.Ready or EngineState.Loading, ModelPath: { } path } ? Path.GetFullPath(path) : null;

    private string PathOf(string relativePath) => Path.GetFullPath(Path.Combine(options.Value.ModelsDirectory, relativePath));
}
