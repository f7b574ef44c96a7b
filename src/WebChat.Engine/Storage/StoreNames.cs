using WebChat.Engine.Hub;

namespace WebChat.Engine.Storage;

/// <summary>Checks names from the Hub or a person before they become paths, so nothing escapes the models folder.</summary>
public static class StoreNames
{
    /// <summary>Validates a repository file name ("a.gguf" or "sub/a.gguf") and returns its segments.</summary>
    public static string[] ValidateFileName(string fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName)) throw new InvalidStorePathException(fileName, "the name is empty");
        if (fileName.Contains('\\', StringComparison.Ordinal)) throw new InvalidStorePathException(fileName, "backslashes are not allowed");
        if (fileName.StartsWith('/') || Path.IsPathRooted(fileName)) throw new InvalidStorePathException(fileName, "absolute paths are not allowed");
        if (fileName.Length >= 2 && fileName[1] == ':' && char.IsAsciiLetter(fileName[0])) throw new InvalidStorePathException(fileName, "drive letters are not allowed");
        if (fileName.Contains(':', StringComparison.Ordinal)) throw new InvalidStorePathException(fileName, "':' is not allowed");
        if (fileName.Any(char.IsControl)) throw new InvalidStorePathException(fileName, "control characters are not allowed");

        var segments = fileName.Split('/');
        foreach (var segment in segments)
        {
            if (segment is "" or "." or "..") throw new InvalidStorePathException(fileName, "empty, '.' and '..' path segments are not allowed");
            if (segment.EndsWith('.') || segment.EndsWith(' ')) throw new InvalidStorePathException(fileName, "a segment may not end in '.' or a space");
        }

        return segments;
    }

    /// <summary>The full path of a file of a repository under root, checked to stay inside root.</summary>
    public static string PathFor(string root, RepoId repo, string fileName)
    {
        var segments = ValidateFileName(fileName);
        var fullRoot = Path.GetFullPath(root);
        var path = Path.GetFullPath(Path.Combine([fullRoot, repo.Owner, repo.Name, .. segments]));
        var repoFolder = Path.Combine(fullRoot, repo.Owner, repo.Name) + Path.DirectorySeparatorChar;
        return path.StartsWith(repoFolder, StringComparison.Ordinal)
            ? path
            : throw new InvalidStorePathException(fileName, "it resolves outside the models folder");
    }

    public static RepoId ParseRepo(string repo) =>
        RepoId.TryParse(repo, out var id) ? id : throw new InvalidStorePathException(repo, "a repository is named owner/name with letters, digits, '-', '_' or '.'");
}
