using System.Runtime.InteropServices;

namespace WebChat.Engine.Gguf.Writing;

/// <summary>
/// Deterministic pseudo-random tensor contents, generated a chunk at a time so that a multi-GB model
/// streams to disk without being held in memory.
/// </summary>
public static class RandomTensorData
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>
    /// Values uniform in [-amplitude, amplitude] (F32, F16), or random quants whose block scales keep them within about
    /// the amplitude (Q8_0, Q4_0, Q5_0, Q4_K, Q6_K): speed is what these files measure, not answers.
    /// </summary>
    public static Action<Stream> Uniform(GgmlType type, long elements, ulong seed, float amplitude) => destination =>
    {
        var random = new SplitMix64(seed);
        switch (type)
        {
            case GgmlType.F32:
                WriteFloats(destination, elements, 4, (span, value) => MemoryMarshal.Write(span, value), random, amplitude);
                break;
            case GgmlType.F16:
                WriteFloats(destination, elements, 2, (span, value) => MemoryMarshal.Write(span, (Half)value), random, amplitude);
                break;
            case GgmlType.Q8_0:
                // Block: f16 scale, then 32 signed bytes; value = scale * q.
                WriteBlocks(destination, elements / 32, 34, random, (0, (Half)(amplitude / 127f)));
                break;
            case GgmlType.Q4_0:
                // Block: f16 scale, then 16 bytes of 4-bit pairs; value = scale * (q - 8).
                WriteBlocks(destination, elements / 32, 18, random, (0, (Half)(amplitude / 8f)));
                break;
            case GgmlType.Q5_0:
                // Block: f16 scale, 4 bytes of fifth bits, 16 bytes of 4-bit pairs; value = scale * (q - 16).
                WriteBlocks(destination, elements / 32, 22, random, (0, (Half)(amplitude / 16f)));
                break;
            case GgmlType.Q4_K:
                // Super-block of 256: f16 d and dmin, 12 bytes of 6-bit scales and mins, 128 bytes of 4-bit quants;
                // value = d * scale * q - dmin * min, with scale and min up to 63 and q up to 15.
                WriteBlocks(destination, elements / 256, 144, random, (0, (Half)(amplitude / 500f)), (2, (Half)(amplitude / 70f)));
                break;
            case GgmlType.Q6_K:
                // Super-block of 256: 128 + 64 bytes of 6-bit quants, 16 signed 8-bit scales, then the f16 d;
                // value = d * scale * (q - 32).
                WriteBlocks(destination, elements / 256, 210, random, (208, (Half)(amplitude / 2048f)));
                break;
            default:
                throw new NotSupportedException($"Random data of type {type} is not implemented (F32, F16, Q8_0, Q4_0, Q5_0, Q4_K and Q6_K are).");
        }
    };

    /// <summary>Every value 1.0 in F32: what a freshly initialised RMS norm weight holds.</summary>
    public static Action<Stream> Ones(long elements) => destination =>
    {
        var bytes = new byte[elements * 4];
        MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Fill(1f);
        destination.Write(bytes);
    };

    private static void WriteFloats(Stream destination, long elements, int bytesEach, SpanAction write, SplitMix64 random, float amplitude)
    {
        var buffer = new byte[ChunkBytes];
        var perChunk = ChunkBytes / bytesEach;
        for (long done = 0; done < elements; done += perChunk)
        {
            var count = (int)Math.Min(perChunk, elements - done);
            for (var i = 0; i < count; i++)
            {
                write(buffer.AsSpan(i * bytesEach), random.NextSigned() * amplitude);
            }

            destination.Write(buffer, 0, count * bytesEach);
        }
    }

    private static void WriteBlocks(Stream destination, long blocks, int blockBytes, SplitMix64 random, params (int Offset, Half Value)[] scales)
    {
        var blocksPerChunk = ChunkBytes / blockBytes;
        var buffer = new byte[blocksPerChunk * blockBytes + 8];
        for (long done = 0; done < blocks; done += blocksPerChunk)
        {
            var count = (int)Math.Min(blocksPerChunk, blocks - done);
            random.Fill(buffer.AsSpan(0, count * blockBytes));
            for (var i = 0; i < count; i++)
            {
                foreach (var (offset, value) in scales)
                {
                    MemoryMarshal.Write(buffer.AsSpan(i * blockBytes + offset), value);
                }
            }

            destination.Write(buffer, 0, count * blockBytes);
        }
    }

    private delegate void SpanAction(Span<byte> destination, float value);

    /// <summary>SplitMix64: tiny, fast, and the same sequence on every machine for a seed.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [-1, 1).</summary>
        public float NextSigned() => (Next() >> 40) / (float)(1 << 23) - 1f;

        public void Fill(Span<byte> destination)
        {
            var words = MemoryMarshal.Cast<byte, ulong>(destination);
            for (var i = 0; i < words.Length; i++)
            {
                words[i] = Next();
            }

            for (var i = words.Length * 8; i < destination.Length; i++)
            {
                destination[i] = (byte)Next();
            }
        }
    }
}
