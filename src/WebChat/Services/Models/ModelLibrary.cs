using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Catalog;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;

namespace WebChat.Services.Models;

/// <summary>
/// The one owner of installed models: lists them (for the Library and the chat's picker), loads, unloads, imports
/// and deletes them. Changes are for admins (checked here, once). A delete never cuts off an answer or a download:
/// it refuses, unloads an idle loaded model, then removes the rows before the files.
/// </summary>
public sealed class ModelLibrary(
    IDbContextFactory<WebChatDbContext> dbFactory,
    IInferenceEngine engine,
    ModelStore store,
    DownloadManager downloads,
    ModelImporter importer,
    IMachineMemoryReader? memory = null)
{
    private readonly ModelDescriptions _descriptions = new();

    /// <summary>How a model is loaded, and estimated: the engine's defaults for context and parallel sequences.</summary>
    public static ModelLoadOptions LoadOptionsFor(string path) => new() { ModelPath = path };

    /// <summary>Free space where models are stored.</summary>
    public long FreeBytes => store.FreeSpace();

    /// <summary>The installed models for the picker, with estimate, fit and which one the engine holds.</summary>
    public async Task<IReadOnlyList<ModelChoice>> ChoicesAsync(CancellationToken cancellationToken = default)
    {
        var rows = await RowsAsync(cancellationToken);
        var status = engine.Status;
        var machine = memory?.Read();
        var choices = new List<ModelChoice>(rows.Count);
        foreach (var row in rows)
        {
            var path = PathOf(row.RelativePath);
            var descriptor = await _descriptions.DescribeAsync(path, row.SizeBytes, cancellationToken);
            var estimate = descriptor is null ? null : MemoryEstimator.Estimate(descriptor, LoadOptionsFor(path));
            choices.Add(new ModelChoice(
                row.Id,
                ModelDisplayName.Of(row),
                row.SizeBytes,
                row.Quantization ?? descriptor?.Quantization,
                estimate?.TotalBytes,
                estimate is not null && machine is not null ? MemoryEstimator.Fit(estimate, machine) : null,
                LoadedModel.Is(status, path),
                row.UserSelectable));
        }

        return choices;
    }

    /// <summary>The installed models as the Library lists them.</summary>
    public async Task<IReadOnlyList<LibraryModel>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rows = await RowsAsync(cancellationToken);
        var choiceById = (await ChoicesAsync(cancellationToken)).ToDictionary(c => c.Id);
        return [.. rows.Select(row =>
        {
            var choice = choiceById.GetValueOrDefault(row.Id);
            return new LibraryModel(
                row.Id, choice?.Name ?? Path.GetFileNameWithoutExtension(row.FileName), row.Repo, row.FileName,
                row.Quantization ?? choice?.Quantization, row.ParameterCount, row.SizeBytes, row.ContextLength,
                choice?.EstimatedBytes, choice?.Fit, choice?.IsLoaded ?? false, row.Source, row.InstalledAt,
                !File.Exists(PathOf(row.RelativePath)), NodesOf(row));
        })];
    }

    /// <summary>Models installed on other app nodes but not on this one (only ever some with several nodes on PostgreSQL).</summary>
    public async Task<IReadOnlyList<ModelElsewhere>> ElsewhereAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var here = db.Node;
        var rows = await db.InstalledModels.IgnoreQueryFilters().AsNoTracking().Include(m => m.Copies)
            .Where(m => m.Copies.Any() && !m.Copies.Any(c => c.Node == here)).OrderBy(m => m.FileName).ToListAsync(cancellationToken);
        return [.. rows.Select(row => new ModelElsewhere(row.Id, ModelDisplayName.Of(row), NodesOf(row)))];
    }

    private static IReadOnlyList<string> NodesOf(InstalledModel row) => [.. row.Copies.Select(c => c.Node).Order(StringComparer.Ordinal)];

    /// <summary>Copies or links a GGUF that is already on the server into the models folder. Admins only.</summary>
    public Task<InstalledModel> ImportAsync(ClaimsPrincipal user, string serverPath, ImportMode mode, CancellationToken cancellationToken = default) =>
        importer.ImportAsync(user, serverPath, mode, cancellationToken);

    /// <summary>Deletes one installed model: its row, then its file. Admins only; refused while it answers or downloads.</summary>
    public async Task DeleteAsync(ClaimsPrincipal user, string modelId, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.InstalledModels.SingleOrDefaultAsync(m => m.Id == modelId, cancellationToken)
            ?? throw new ModelOperationException("That model is not installed any more.");
        var path = PathOf(row.RelativePath);
        var repo = RepoId.TryParse(row.Repo, out var parsed) ? parsed : (RepoId?)null;
        EnsureNotDownloading(repo, row.FileName, row.FileName);
        await UnloadUnlessAnsweringAsync(LoadedModel.Is(engine.Status, path), row.FileName, cancellationToken);

        // Rows first: a row without its file would offer a model that cannot load; a file without a row is only unlisted.
        await ModelCopyRows.ForgetHereAsync(db, [row.Id], cancellationToken);
        DeleteFile(repo, row.FileName, path);
    }

    /// <summary>Deletes every file of a repository in the models folder and its rows (the Storage page). Admins only.</summary>
    public async Task<ModelRemovalResult> DeleteRepositoryAsync(ClaimsPrincipal user, string repository, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        if (!RepoId.TryParse(repository, out var repo))
        {
            return ModelRemovalResult.Failed($"'{repository}' is not a model of the models folder (owner/name).");
        }

        try
        {
            EnsureNotDownloading(repo, null, repo.ToString());
            await UnloadUnlessAnsweringAsync(LoadedModel.IsInside(engine.Status, store, repo), repo.ToString(), cancellationToken);
        }
        catch (ModelOperationException refused)
        {
            return ModelRemovalResult.Failed(refused.Message);
        }

        var rows = await DeleteRowsAsync(repo, cancellationToken);
        try
        {
            return new ModelRemovalResult(null, store.DeleteModel(repo), rows);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ModelRemovalResult.Failed($"{repo} was removed from the list, but its files could not all be deleted ({exception.Message}); try again.");
        }
    }

    // A paused job would write into the folder again when resumed, so it counts as running.
    private void EnsureNotDownloading(RepoId? repo, string? fileName, string name)
    {
        if (repo is { } id && downloads.HasUnfinished(id, fileName))
        {
            throw new ModelOperationException($"{name} has a download running or paused; cancel it first.");
        }
    }

    // An idle loaded model is unloaded first; one that is answering is never cut off.
    private async Task UnloadUnlessAnsweringAsync(bool isLoaded, string name, CancellationToken cancellationToken)
    {
        if (!isLoaded)
        {
            return;
        }

        var status = engine.Status;
        if (status.ActiveSequences > 0 || status.QueuedRequests > 0)
        {
            throw new ModelOperationException(
                $"{name} is the model the engine has loaded and it is answering {status.ActiveSequences + status.QueuedRequests} request(s) right now; try again when they finish, or unload it first.");
        }

        await engine.UnloadAsync(cancellationToken);
    }

    private async Task<List<InstalledModel>> RowsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InstalledModels.AsNoTracking().Include(m => m.Copies).OrderBy(m => m.FileName).ToListAsync(cancellationToken);
    }

    private async Task<int> DeleteRowsAsync(RepoId repo, CancellationToken cancellationToken)
    {
        var name = repo.ToString();
        var folderPrefix = name + "/";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = await db.InstalledModels
            .Where(m => m.Repo == name || m.RelativePath.StartsWith(folderPrefix))
            .Select(m => m.Id).ToListAsync(cancellationToken);
        await ModelCopyRows.ForgetHereAsync(db, ids, cancellationToken);
        return ids.Count;
    }

    private void DeleteFile(RepoId? repo, string fileName, string path)
    {
        if (repo is { } id && string.Equals(store.PathFor(id, fileName), path, StringComparison.Ordinal))
        {
            store.DeleteFile(id, fileName);
        }
        else if (path.StartsWith(Path.GetFullPath(store.Root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            File.Delete(path);
        }
    }

    private string PathOf(string relativePath) => Path.GetFullPath(Path.Combine(store.Root, relativePath));
}
