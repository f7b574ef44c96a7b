namespace WebChat.Services.Knowledge.Embedding;

/// <summary>Turns texts into unit-length vectors; a collection records <see cref="Name"/> and keeps using the same embedder.</summary>
public interface ITextEmbedder
{
    /// <summary>Stable id stored with each collection, e.g. "minilm-l6-v2".</summary>
    string Name { get; }

    int Dimensions { get; }

    /// <summary>One vector per text, in order, each of length 1 (so a dot product is the cosine).</summary>
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
