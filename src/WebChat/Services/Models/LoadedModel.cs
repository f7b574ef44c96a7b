using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;

namespace WebChat.Services.Models;

/// <summary>The one answer to "which file does the engine hold?" (loaded or loading), so nothing removes it from under the engine.</summary>
internal static class LoadedModel
{
    public static string? PathOf(EngineStatus status) =>
        status.State is EngineState.Ready or EngineState.Loading && !string.IsNullOrEmpty(status.ModelPath)
            ? Path.GetFullPath(status.ModelPath)
            : null;

    public static bool Is(EngineStatus status, string path) => string.Equals(PathOf(status), Path.GetFullPath(path), PathComparison);

    /// <summary>Whether two paths name the same file, compared as the file system does.</summary>
    public static bool SamePath(string a, string b) => string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), PathComparison);

    /// <summary>True when the loaded file lies in the repository's folder of the store.</summary>
    public static bool IsInside(EngineStatus status, ModelStore store, RepoId repo) =>
        PathOf(status) is { } loaded && loaded.StartsWith(FolderOf(store, repo), PathComparison);

    public static string FolderOf(ModelStore store, RepoId repo) =>
        Path.Combine(Path.GetFullPath(store.Root), repo.Owner, repo.Name) + Path.DirectorySeparatorChar;

    private static StringComparison PathComparison => OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
}
