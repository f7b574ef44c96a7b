using System.Numerics.Tensors;
using System.Text.RegularExpressions;
using WebChat.Services.Knowledge.Embedding;

namespace WebChat.Tests.Unit.App.Services.Knowledge;

/// <summary>
/// A second, tiny embedder for moving collections between embedders: each lower-cased word adds 1 to one of
/// <see cref="Dimensions"/> buckets (a stable hash), then the vector is made unit length. Shared words score high, as
/// with a real model, and its length differs from MiniLM's 384, so any mixing of the two would show.
/// </summary>
internal sealed partial class HashingEmbedder(string name = "hash-64", int dimensions = 64) : ITextEmbedder
{
    private int texts;

    public string Name => name;

    public int Dimensions => dimensions;

    /// <summary>How many texts it has embedded (passages and questions).</summary>
    public int Texts => Volatile.Read(ref texts);

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> input, CancellationToken cancellationToken = default)
    {
        Interlocked.Add(ref texts, input.Count);
        return Task.FromResult(input.Select(Embed).ToArray());
    }

    private float[] Embed(string text)
    {
        var vector = new float[dimensions];
        foreach (Match word in Word().Matches(text.ToLowerInvariant()))
        {
            var hash = 17u;
            foreach (var c in word.Value)
            {
                hash = unchecked(hash * 31 + c);
            }

            vector[hash % (uint)dimensions] += 1;
        }

        var length = TensorPrimitives.Norm(vector);
        if (length > 0)
        {
            TensorPrimitives.Divide(vector, length, vector);
        }

        return vector;
    }

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();
}
