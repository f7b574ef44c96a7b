using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebChat.Engine.Hub;

namespace WebChat.Engine.Storage;

/// <summary>One installed model file: where it is and how big.</summary>
public sealed record InstalledModelFile(RepoId Repo, string FileName, string FullPath, long SizeBytes, DateTimeOffset ModifiedUtc);

/// <summary>Disk used by one repository's installed files.</summary>
public sealed record ModelDiskUsage(RepoId Repo, long Bytes, int Files);

/// <summary>A partial download (.part) in the models folder; stale ones are older than the configured age.</summary>
public sealed record PartialModelFile(string FullPath, string RelativePath, long SizeBytes, DateTimeOffset ModifiedUtc, bool IsStale);

/// <summary>How an imported file enters the store.</summary>
public enum ImportMode
{
    Copy,
    HardLink,
}

/// <summary>The models folder: a {owner}/{repo}/{file} layout that no name can escape, usage, cleanup and import.</summary>
public sealed partial class ModelStore(
    IOptions<ModelStoreOptions> options, IDiskSpaceProbe diskSpace, TimeProvider timeProvider, ILogger<ModelStore> logger)
{
    public const string PartSuffix = ".part";
    public const string ResumeMapSuffix = ".part.json";

    public string Root { get; } = options.Value.ResolveDirectory();

    /// <summary>The final path of a repository file; throws InvalidStorePathException for names that would escape.</summary>
    public string PathFor(RepoId repo, string fileName) => StoreNames.PathFor(Root, repo, fileName);

    public bool IsInstalled(RepoId repo, string fileName) => File.Exists(PathFor(repo, fileName));

    public long FreeSpace() => diskSpace.AvailableBytes(Root);

    /// <summary>Throws InsufficientDiskSpaceException when fewer than `bytes` are free.</summary>
    public void EnsureSpace(long bytes)
    {
        var available = FreeSpace();
        if (available < bytes)
        {
            throw new InsufficientDiskSpaceException(bytes, available, Root);
        }
    }

    public IReadOnlyList<InstalledModelFile> ListInstalled()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var files = new List<InstalledModelFile>();
        foreach (var ownerDir in Directory.EnumerateDirectories(Root))
        {
            foreach (var repoDir in Directory.EnumerateDirectories(ownerDir))
            {
                if (!RepoId.TryParse($"{Path.GetFileName(ownerDir)}/{Path.GetFileName(repoDir)}", out var repo))
                {
                    continue;
                }

                // Only finished models: .part files, resume maps and their temporaries end otherwise.
                files.AddRange(Directory.EnumerateFiles(repoDir, "*.gguf", SearchOption.AllDirectories)
                    .Select(f => new FileInfo(f))
                    .Select(f => new InstalledModelFile(repo, Path.GetRelativePath(repoDir, f.FullName).Replace('\\', '/'), f.FullName, f.Length, f.LastWriteTimeUtc)));
            }
        }

        return files.OrderBy(f => f.Repo.ToString(), StringComparer.Ordinal).ThenBy(f => f.FileName, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<ModelDiskUsage> DiskUsage() =>
        ListInstalled().GroupBy(f => f.Repo).Select(g => new ModelDiskUsage(g.Key, g.Sum(f => f.SizeBytes), g.Count())).ToList();

    /// <summary>Deletes one installed file (and its partial download, if any); false when there was nothing to delete.</summary>
    public bool DeleteFile(RepoId repo, string fileName)
    {
        var path = PathFor(repo, fileName);
        var existed = File.Exists(path);
        File.Delete(path);
        DeletePartial(repo, fileName);
        RemoveEmptyFolders(Path.GetDirectoryName(path)!);
        return existed;
    }

    /// <summary>Deletes a download's .part file and its resume map: the one place partial files are discarded.</summary>
    public void DeletePartial(RepoId repo, string fileName) => DeletePartialAt(PathFor(repo, fileName) + PartSuffix);

    /// <summary>Deletes a repository's whole folder; returns the number of model files removed.</summary>
    public int DeleteModel(RepoId repo)
    {
        var folder = Path.Combine(Root, repo.Owner, repo.Name);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var count = ListInstalled().Count(f => f.Repo == repo);
        Directory.Delete(folder, recursive: true);
        RemoveEmptyFolders(Path.Combine(Root, repo.Owner));
        return count;
    }

    /// <summary>Every .part file under the models folder, oldest first, with whether cleanup would count it as stale.</summary>
    public IReadOnlyList<PartialModelFile> ListPartialFiles()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var cutoff = StaleCutoff();
        return Directory.EnumerateFiles(Root, "*" + PartSuffix, SearchOption.AllDirectories)
            .Select(f => new FileInfo(f))
            .Select(f => new PartialModelFile(
                f.FullName, Path.GetRelativePath(Root, f.FullName).Replace('\\', '/'), f.Length, f.LastWriteTimeUtc, f.LastWriteTimeUtc < cutoff.UtcDateTime))
            .OrderBy(f => f.ModifiedUtc)
            .ToList();
    }

    /// <summary>Removes .part files (and their resume maps) untouched for longer than the configured age; returns how many.</summary>
    public int CleanStalePartFiles(Func<string, bool>? isInUse = null)
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }

        var cutoff = StaleCutoff();
        var removed = 0;
        foreach (var part in Directory.EnumerateFiles(Root, "*" + PartSuffix, SearchOption.AllDirectories))
        {
            if (File.GetLastWriteTimeUtc(part) < cutoff.UtcDateTime && isInUse?.Invoke(part) != true)
            {
                DeletePartialAt(part);
                LogStalePart(logger, part);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Brings a local GGUF into the store by copy or hard link, after checking it really is a GGUF.</summary>
    public async Task<InstalledModelFile> ImportAsync(
        string sourcePath, RepoId repo, string? fileName = null, ImportMode mode = ImportMode.Copy, CancellationToken cancellationToken = default)
    {
        var source = new FileInfo(sourcePath);
        if (!source.Exists) throw new StorageException($"{sourcePath} does not exist.");
        await GgufFileCheck.EnsureGgufAsync(source.FullName, cancellationToken);

        var target = PathFor(repo, fileName ?? source.Name);
        if (File.Exists(target)) throw new StorageException($"{repo}/{fileName ?? source.Name} is already installed.");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (mode == ImportMode.HardLink)
        {
            HardLink.Create(source.FullName, target);
        }
        else
        {
            EnsureSpace(source.Length);
            var temporary = target + PartSuffix;
            await using (var from = new FileStream(source.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true))
            await using (var to = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                await from.CopyToAsync(to, cancellationToken);
            }

            File.Move(temporary, target);
        }

        var installed = new FileInfo(target);
        return new InstalledModelFile(repo, fileName ?? source.Name, installed.FullName, installed.Length, installed.LastWriteTimeUtc);
    }

    private void DeletePartialAt(string partPath)
    {
        File.Delete(partPath);
        File.Delete(partPath[..^PartSuffix.Length] + ResumeMapSuffix);
    }

    private DateTimeOffset StaleCutoff() => timeProvider.GetUtcNow() - options.Value.StalePartAge;

    private void RemoveEmptyFolders(string folder)
    {
        var root = Path.GetFullPath(Root).TrimEnd(Path.DirectorySeparatorChar);
        while (folder.Length > root.Length && folder.StartsWith(root, StringComparison.Ordinal)
               && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
            folder = Path.GetDirectoryName(folder)!;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed stale partial download {Path}")]
    private static partial void LogStalePart(ILogger logger, string path);
}
