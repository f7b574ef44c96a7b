using System.Numerics.Tensors;

namespace WebChat.Services.Knowledge.Embedding;

/// <summary>What every embedder returns: vectors of length 1, so a dot product is the cosine (see <see cref="ITextEmbedder"/>).</summary>
public static class UnitVector
{
    /// <summary>Scales <paramref name="vector"/> in place to length 1 (a zero vector stays zero) and returns it.</summary>
    public static float[] Normalize(float[] vector)
    {
        var length = TensorPrimitives.Norm(vector);
        if (length > 0)
        {
            TensorPrimitives.Divide(vector, length, vector);
        }

        return vector;
    }
}
