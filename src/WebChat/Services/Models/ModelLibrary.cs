using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using WebChat.Services.Chat;

namespace WebChat.Services.Models;

/// <summary>The installed models with estimates and the admin actions on them: load, unload, delete.</summary>
public sealed class ModelLibrary(IDbContextFactory<WebChatDbContext> dbFactory, ModelChoices choices, IInferenceEngine engine, ModelStore store)
{
    public async Task<IReadOnlyList<LibraryModel>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.InstalledModels.AsNoTracking().OrderBy(m => m.FileName).ToListAsync(cancellationToken);
        var choiceById = (await choices.ListAsync(cancellationToken)).ToDictionary(c => c.Id);
        return [.. rows.Select(row =>
        {
            var choice = choiceById.GetValueOrDefault(row.Id);
            return new LibraryModel(
                row.Id, choice?.Name ?? Path.GetFileNameWithoutExtension(row.FileName), row.Repo, row.FileName,
                row.Quantization ?? choice?.Quantization, row.ParameterCount, row.SizeBytes, row.ContextLength,
                choice?.EstimatedBytes, choice?.Fit, choice?.IsLoaded ?? false, row.Source, row.InstalledAt,
                !File.Exists(PathOf(row.RelativePath)));
        })];
    }

    /// <summary>Loads an installed model (replacing the loaded one). Admins only.</summary>
    public async Task LoadAsync(ClaimsPrincipal user, string modelId, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        await choices.LoadAsync(user, modelId, cancellationToken);
    }

    public async Task UnloadAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        await engine.UnloadAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the file and its row. The loaded model is unloaded first, unless answers are being written with it:
    /// then it refuses, so nobody's answer is cut off by a delete.
    /// </summary>
    public async Task DeleteAsync(ClaimsPrincipal user, string modelId, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.InstalledModels.SingleOrDefaultAsync(m => m.Id == modelId, cancellationToken)
            ?? throw new ModelOperationException("That model is not installed any more.");
        var path = PathOf(row.RelativePath);
        if (IsLoaded(path))
        {
            var status = engine.Status;
            if (status.ActiveSequences > 0 || status.QueuedRequests > 0)
            {
                throw new ModelOperationException(
                    $"{row.FileName} is answering {status.ActiveSequences + status.QueuedRequests} request(s) right now. Try again when they finish, or unload it first.");
            }

            await engine.UnloadAsync(cancellationToken);
        }

        DeleteFile(row.Repo, row.FileName, path);
        db.InstalledModels.Remove(row);
        await db.SaveChangesAsync(cancellationToken);
    }

    private void DeleteFile(string? repo, string fileName, string path)
    {
        if (RepoId.TryParse(repo, out var repoId) && string.Equals(store.PathFor(repoId, fileName), path, StringComparison.Ordinal))
        {
            store.DeleteFile(repoId, fileName);
        }
        else if (path.StartsWith(Path.GetFullPath(store.Root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            File.Delete(path);
        }
    }

    private bool IsLoaded(string path) =>
        engine.Status is { State: EngineState.Ready or EngineState.Loading, ModelPath: { } loaded } && string.Equals(Path.GetFullPath(loaded), path, StringComparison.Ordinal);

    private string PathOf(string relativePath) => Path.GetFullPath(Path.Combine(store.Root, relativePath));
}
