using System.Buffers.Binary;
using WebChat.Engine.Gguf;
using WebChat.Tests.Support.Models;
using Xunit.Abstractions;

namespace WebChat.Tests.Unit.Engine.Gguf;

/// <summary>Mutated real headers end in a valid read or a <see cref="GgufFormatException"/>, never another exception, never a big allocation.</summary>
public class GgufFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 1000;
    private const long AllocationBoundPerCase = 64L * 1024 * 1024;

    /// <summary>
    /// Fixed seeds, so a run is the same everywhere and a failure replays; WEBCHAT_FUZZ_SEED adds one more run:
    /// a number replays that seed, "random" picks a new one (it is written to the test output).
    /// </summary>
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int> { 1, 20261206, 424242 };
        switch (Environment.GetEnvironmentVariable("WEBCHAT_FUZZ_SEED"))
        {
            case "random":
                seeds.Add(Random.Shared.Next());
                break;
            case { } text when int.TryParse(text, out var chosen):
                seeds.Add(chosen);
                break;
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds), DisableDiscoveryEnumeration = true)]
    public async Task A_thousand_mutated_headers_end_only_in_a_valid_read_or_the_typed_exception(int seed)
    {
        output.WriteLine($"seed {seed} (WEBCHAT_FUZZ_SEED={seed} replays it)");
        var random = new Random(seed);
        var path = TestModels.Get(TestModels.TinySpec with { Name = "webchat-fuzz", VocabularySize = 300, WeightType = GgmlType.Q4_0 });
        var original = await File.ReadAllBytesAsync(path);
        var headerLength = (int)(await GgufReader.ReadFileAsync(path)).HeaderLength;
        int valid = 0, rejected = 0;

        for (var i = 0; i < Cases; i++)
        {
            var (mutation, bytes) = Mutate(original, headerLength, random);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                if (i % 8 == 0)
                {
                    using var stream = new MemoryStream(bytes, writable: false);
                    await GgufReader.ReadAsync(stream);
                }
                else
                {
                    GgufReader.ReadPrefix(bytes, fileLength: bytes.Length);
                }

                valid++;
            }
            catch (GgufFormatException error)
            {
                Assert.InRange(error.Offset, 0, Math.Max(bytes.Length, headerLength));
                rejected++;
            }
            catch (Exception error)
            {
                Assert.Fail($"case {i} ({mutation}, seed {seed}) threw {error.GetType().Name}: {error.Message}");
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(allocated < AllocationBoundPerCase, $"case {i} ({mutation}, seed {seed}) allocated {allocated:N0} bytes");
        }

        output.WriteLine($"{valid} read, {rejected} rejected");
        Assert.Equal(Cases, valid + rejected);
        Assert.True(rejected > Cases / 4, "most mutations of a header should be caught");
    }

    private static (string Mutation, byte[] Bytes) Mutate(byte[] original, int headerLength, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
                var flips = random.Next(1, 9);
                for (var i = 0; i < flips; i++)
                {
                    bytes[random.Next(headerLength)] ^= (byte)(1 << random.Next(8));
                }

                return ($"{flips} bit flips", bytes);
            case 1:
                var at = random.Next(headerLength - 8);
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), HugeLength(random));
                return ($"huge u64 at {at}", bytes);
            case 2:
                var length = random.Next(headerLength + 64);
                return ($"truncated to {length}", bytes[..length]);
            case 3:
                var word = random.Next(headerLength - 4);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(word), (uint)random.Next(-4, 40));
                return ($"small u32 at {word}", bytes);
            case 4:
                var start = random.Next(headerLength);
                var count = random.Next(1, 64);
                return ($"{count} bytes removed at {start}", [.. bytes[..start], .. bytes[Math.Min(bytes.Length, start + count)..]]);
            default:
                var from = random.Next(headerLength - 16);
                random.NextBytes(bytes.AsSpan(from, 16));
                return ($"16 random bytes at {from}", bytes);
        }
    }

    private static ulong HugeLength(Random random) => random.Next(4) switch
    {
        0 => ulong.MaxValue,
        1 => (ulong)random.NextInt64(),
        2 => 1UL << random.Next(20, 64),
        _ => (ulong)random.Next(100_000, 200_000_000),
    };
}
