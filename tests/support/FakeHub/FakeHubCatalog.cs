using WebChat.Engine.Catalog;
using WebChat.Engine.Gguf;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Support.FakeHub;

/// <summary>Builds fake Hub repositories from a folder laid out like the models store ({owner}/{repo}/*.gguf) or from the generated tiny models.</summary>
public static class FakeHubCatalog
{
    public static async Task<IReadOnlyList<FakeHubRepo>> FromFolderAsync(string root, CancellationToken cancellationToken = default)
    {
        var repos = new List<FakeHubRepo>();
        foreach (var repoFolder in Directory.EnumerateDirectories(root).SelectMany(Directory.EnumerateDirectories))
        {
            var files = Directory.EnumerateFiles(repoFolder, "*.gguf", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            if (files.Count > 0)
            {
                var id = $"{Path.GetFileName(Path.GetDirectoryName(repoFolder))}/{Path.GetFileName(repoFolder)}";
                repos.Add(await RepoAsync(id, files.Select(f => (Path.GetRelativePath(repoFolder, f).Replace('\\', '/'), f)), cancellationToken));
            }
        }

        return repos;
    }

    /// <summary>One repository with the generated tiny llama in F32, Q8_0 and Q4_0, for a demo with no models at hand.</summary>
    public static async Task<IReadOnlyList<FakeHubRepo>> GeneratedAsync(CancellationToken cancellationToken = default) =>
    [
        await RepoAsync("webchat/tiny-llama-GGUF",
        [
            ("tiny-llama-F32.gguf", TestModels.Tiny),
            ("tiny-llama-Q8_0.gguf", TestModels.TinyOfType(GgmlType.Q8_0)),
            ("tiny-llama-Q4_0.gguf", TestModels.TinyOfType(GgmlType.Q4_0)),
        ], cancellationToken),
    ];

    private static async Task<FakeHubRepo> RepoAsync(string id, IEnumerable<(string Name, string Path)> files, CancellationToken cancellationToken)
    {
        var served = new List<FakeHubFile>();
        FakeHubGguf? gguf = null;
        foreach (var (name, path) in files)
        {
            served.Add(new FakeHubFile(name, await File.ReadAllBytesAsync(path, cancellationToken)));
            if (gguf is null && SplitGgufNameIsFirst(name))
            {
                var descriptor = await ModelDescriptors.FromFileAsync(path, cancellationToken);
                gguf = new FakeHubGguf(descriptor.ParameterCount, descriptor.Architecture, descriptor.ContextLength);
            }
        }

        return new FakeHubRepo
        {
            Id = id,
            Files = served,
            Gguf = gguf,
            Tags = ["gguf", "conversational"],
            Downloads = 1000,
            Likes = 10,
            LastModified = DateTimeOffset.UtcNow.AddDays(-1),
        };
    }

    private static bool SplitGgufNameIsFirst(string name) => WebChat.Engine.Downloads.SplitGgufName.IsFirstPartOrWhole(Path.GetFileName(name));
}
