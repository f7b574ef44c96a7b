using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;

namespace WebChat.Services.Admin;

/// <summary>What deleting a model did: a problem in words (a refusal, or files that would not go), or how many files and rows went.</summary>
public sealed record ModelRemovalResult(string? Problem, int FilesRemoved, int RowsRemoved)
{
    public bool Removed => Problem is null;

    public static ModelRemovalResult Failed(string reason) => new(reason, 0, 0);
}

/// <summary>Deletes a repository's files from the models folder and its InstalledModel rows, unless a download or an answer in progress uses it.</summary>
public sealed class ModelRemoval(ModelStore store, IInferenceEngine engine, DownloadManager downloads, IDbContextFactory<WebChatDbContext> dbFactory)
{
    public async Task<ModelRemovalResult> DeleteAsync(string repository, CancellationToken cancellationToken = default)
    {
        if (!RepoId.TryParse(repository, out var repo))
        {
            return ModelRemovalResult.Failed($"'{repository}' is not a model of the models folder (owner/name).");
        }

        // The Library's rule too: an idle loaded model is unloaded first; one that is answering is never cut off.
        var status = engine.Status;
        if (LoadedModels.IsInside(LoadedModels.PathOf(status), store, repo))
        {
            if (status.ActiveSequences > 0 || status.QueuedRequests > 0)
            {
                return ModelRemovalResult.Failed(
                    $"{repo} is the model the engine has loaded and it is answering {status.ActiveSequences + status.QueuedRequests} request(s); try again when they finish, or unload it first.");
            }

            await engine.UnloadAsync(cancellationToken);
        }

        // A paused job would write into the folder again when resumed.
        if (downloads.Jobs.Any(j => !j.Completion.IsCompleted && j.Key.Repo == repo))
        {
            return ModelRemovalResult.Failed($"{repo} has a download running or paused; cancel it first.");
        }

        // Rows first: a row without its file would offer a model that cannot load; a file without a row is only unlisted.
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

    private async Task<int> DeleteRowsAsync(RepoId repo, CancellationToken cancellationToken)
    {
        var name = repo.ToString();
        var folderPrefix = name + "/";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InstalledModels
            .Where(m => m.Repo == name || m.RelativePath.StartsWith(folderPrefix))
            .ExecuteDeleteAsync(cancellationToken);
    }
}
