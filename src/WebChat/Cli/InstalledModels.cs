using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebChat.Engine.Storage;

namespace WebChat.Cli;

/// <summary>The GGUF files in the models folder (the store's owner/repo layout and loose files) and lookup by id.</summary>
internal sealed class InstalledModels(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>The models folder of the command line: the option if given, else the one the app is configured with.</summary>
    public static InstalledModels From(string? directory, IReadOnlyList<string> configurationSwitches)
    {
        if (!string.IsNullOrWhiteSpace(directory))
        {
            return new(Path.GetFullPath(directory));
        }

        using var host = HubCommandHost.Build(configurationSwitches);
        return new(host.Services.GetRequiredService<ModelStore>().Root);
    }

    /// <summary>Installed GGUF files as (id, path, bytes), the id being owner/repo/file or the loose file's name.</summary>
    public IReadOnlyList<(string Id, string Path, long Bytes)> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var store = new ModelStore(
            Options.Create(new ModelStoreOptions { Directory = Directory }), new DriveDiskSpaceProbe(), TimeProvider.System, NullLogger<ModelStore>.Instance);
        var stored = store.ListInstalled()
            .Where(f => f.FileName.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            .Select(f => ($"{f.Repo}/{f.FileName}", f.FullPath, f.SizeBytes));
        var loose = System.IO.Directory.EnumerateFiles(Directory, "*.gguf")
            .Select(f => new FileInfo(f))
            .Select(f => (f.Name, f.FullName, f.Length));
        return [.. stored.Concat(loose).OrderBy(m => m.Item1, StringComparer.Ordinal)];
    }

    /// <summary>A path to a .gguf, or an installed id (owner/repo/file, owner/repo with one GGUF, or a file name).</summary>
    public string Resolve(string reference)
    {
        if (File.Exists(reference))
        {
            return Path.GetFullPath(reference);
        }

        var models = List();
        var matches = models.Where(m => m.Id == reference).ToList();
        if (matches.Count == 0)
        {
            matches = models.Where(m => m.Id.StartsWith(reference + "/", StringComparison.Ordinal) || Path.GetFileName(m.Path) == reference).ToList();
        }

        return matches.Count switch
        {
            1 => matches[0].Path,
            0 => throw new FileNotFoundException($"No file or installed model \"{reference}\" (models folder: {Directory}). `WebChat models` lists them."),
            _ => throw new FileNotFoundException($"\"{reference}\" matches several models: {string.Join(", ", matches.Select(m => m.Id))}. Name one."),
        };
    }
}
