using System.Collections.Concurrent;
using WebChat.Services.Serving.Engines;

namespace WebChat.Services.Knowledge.Embedding;

/// <summary>
/// Remote engines' models as embedders, named "engine/model". Every such name resolves whether or not the engine is
/// there right now (the list is read again at start and on changes): a collection never moves off an engine that is
/// only down or not read yet. The choices are the models the engines list (OpenAI's /v1/models does not say which
/// ones embed: the admin picks one, and the pick is tried before it is kept).
/// </summary>
public sealed class RemoteEmbedderSource(Func<IReadOnlyList<RemoteEngineState>> engines) : IEmbedderSource
{
    private readonly ConcurrentDictionary<string, RemoteEmbedder> embedders = new(StringComparer.Ordinal);

    public ITextEmbedder? Resolve(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < name.Length - 1 && !name.StartsWith(GgufEmbedderSource.Prefix, StringComparison.Ordinal)
            ? embedders.GetOrAdd(name, n => new RemoteEmbedder(n, engines))
            : null;
    }

    public Task<IReadOnlyList<EmbedderChoice>> ChoicesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<EmbedderChoice>>([.. engines()
            .SelectMany(e => e.Models.Select(m => new EmbedderChoice($"{e.Name}/{m}", $"{e.Name}/{m} (remote engine {e.Name})")))]);
}
