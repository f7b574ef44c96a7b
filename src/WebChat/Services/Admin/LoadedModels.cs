using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;

namespace WebChat.Services.Admin;

/// <summary>Which file the engine holds (loaded or loading), so storage never removes it from under the engine.</summary>
internal static class LoadedModels
{
    public static string? PathOf(EngineStatus status) =>
        status.State is EngineState.Ready or EngineState.Loading && !string.IsNullOrEmpty(status.ModelPath)
            ? Path.GetFullPath(status.ModelPath)
            : null;

    /// <summary>True when the loaded file lies in the repository's folder of the store.</summary>
    public static bool IsInside(string? loadedPath, ModelStore store, RepoId repo)
    {
        if (loadedPath is null)
        {
            return false;
        }

        var folder = Path.Combine(Path.GetFullPath(store.Root), repo.Owner, repo.Name) + Path.DirectorySeparatorChar;
        return loadedPath.StartsWith(folder, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }
}
