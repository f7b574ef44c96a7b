namespace WebChat.Services.Knowledge.Embedding;

/// <summary>
/// Embedders beyond the built-in ones, named by a stable prefix (GGUF models of the Library, remote engines' models).
/// A name of the source's form always resolves, even when what it names is gone: that embedder then fails with a
/// person's words when used, so a collection written with it keeps its passages and vectors until someone acts.
/// </summary>
public interface IEmbedderSource
{
    /// <summary>The embedder a stored name stands for, or null when the name is not of this source's form.</summary>
    ITextEmbedder? Resolve(string name);

    /// <summary>What an admin can pick now.</summary>
    Task<IReadOnlyList<EmbedderChoice>> ChoicesAsync(CancellationToken cancellationToken = default);
}

/// <summary>An embedder an admin can pick: its stored name and the words shown for it.</summary>
public sealed record EmbedderChoice(string Name, string Label);
