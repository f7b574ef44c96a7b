using WebChat.Engine.Gguf;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.Engine.Gguf;

/// <summary>Each malformed header ends in one <see cref="GgufFormatException"/> that names the problem and its offset.</summary>
public class GgufHostileInputTests
{
    private const int AfterCounts = 24;

    public static TheoryData<string, byte[], string, long> MalformedHeaders() => new()
    {
        { "bad magic", new RawHeaderBuilder().Bytes("GGML"u8).U32(3).U64(0).U64(0).ToArray(), "instead of 'GGUF'", 0 },
        { "version 1", RawHeaderBuilder.Start(0, 0, version: 1).ToArray(), "version 1 is not supported", 4 },
        { "big-endian", RawHeaderBuilder.Start(0, 0, version: 0x03000000).ToArray(), "big-endian", 4 },
        { "huge tensor count", RawHeaderBuilder.Start(ulong.MaxValue, 0).ToArray(), "tensor count", 8 },
        { "huge entry count", RawHeaderBuilder.Start(0, 1UL << 40).ToArray(), "metadata entry count", 16 },
        { "huge key length", RawHeaderBuilder.Start(0, 1).U64(ulong.MaxValue / 2).ToArray(), "more than the limit", AfterCounts },
        { "empty key", RawHeaderBuilder.Start(0, 1).Str("").ToArray(), "key is empty", AfterCounts },
        { "unknown value type", RawHeaderBuilder.Start(0, 1).Str("a").U32(13).ToArray(), "unknown value type 13", AfterCounts + 9 },
        { "huge string", RawHeaderBuilder.Start(0, 1).Str("a").U32(8).U64(1UL << 40).ToArray(), "more than the limit", AfterCounts + 13 },
        { "huge array", RawHeaderBuilder.Start(0, 1).Str("a").U32(9).U32(4).U64(1UL << 60).ToArray(), "claims 1152921504606846976 elements", AfterCounts + 17 },
        { "array larger than the header limit", RawHeaderBuilder.Start(0, 1).Str("a").U32(9).U32(9).U64(15_000_000).ToArray(), "larger than the limit", AfterCounts + 17 },
        { "bool of 2", RawHeaderBuilder.Start(0, 1).Str("a").U32(7).Bytes([2]).ToArray(), "bool value 2", AfterCounts + 13 },
        { "duplicate key", RawHeaderBuilder.Start(0, 2).Str("a").U32(0).Bytes([1]).Str("a").U32(0).Bytes([1]).ToArray(), "appears twice", AfterCounts + 14 },
        { "alignment 33", RawHeaderBuilder.Start(0, 1).Str("general.alignment").U32(4).U32(33).ToArray(), "power of two", AfterCounts + 33 },
        { "alignment of the wrong type", RawHeaderBuilder.Start(0, 1).Str("general.alignment").U32(10).U64(32).ToArray(), "UInt64", AfterCounts + 37 },
        { "five dimensions", RawHeaderBuilder.Start(1, 0).Str("t").U32(5).ToArray(), "5 dimensions", AfterCounts + 9 },
        { "zero dimension", RawHeaderBuilder.Start(1, 0).Str("t").U32(1).U64(0).ToArray(), "impossible dimension 0", AfterCounts + 13 },
        { "overflowing dimensions", RawHeaderBuilder.Start(1, 0).Str("t").U32(2).U64(1UL << 32).U64(1UL << 32).ToArray(), "impossible dimension", AfterCounts + 21 },
        { "unknown tensor type", RawHeaderBuilder.Start(1, 0).Str("t").U32(1).U64(32).U32(99).ToArray(), "unknown type 99", AfterCounts + 21 },
        { "row not a block multiple", RawHeaderBuilder.Start(1, 0).Str("t").U32(1).U64(33).U32(8).ToArray(), "not a multiple of Q8_0's block of 32", AfterCounts + 9 },
        { "unaligned tensor offset", RawHeaderBuilder.Start(1, 0).Str("t").U32(1).U64(32).U32(0).U64(4).ToArray(), "alignment 32", AfterCounts + 25 },
        { "duplicate tensor", RawHeaderBuilder.Start(2, 0).Str("t").U32(1).U64(8).U32(0).U64(0).Str("t").U32(1).U64(8).U32(0).U64(32).ToArray(), "appears twice", AfterCounts + 66 },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void A_malformed_header_is_rejected_with_the_problem_and_its_offset(string name, byte[] bytes, string problem, long offset)
    {
        var error = Assert.Throws<GgufFormatException>(() => GgufReader.ReadPrefix(bytes, fileLength: 1L << 40));

        Assert.True(error.Message.Contains(problem, StringComparison.Ordinal), $"{name}: {error.Message}");
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Arrays_nested_deeper_than_the_limit_are_rejected()
    {
        var builder = RawHeaderBuilder.Start(0, 1).Str("deep").U32(9);
        for (var level = 0; level < 20; level++)
        {
            builder.U32(9).U64(1);
        }

        var error = Assert.Throws<GgufFormatException>(() => GgufReader.ReadPrefix(builder.ToArray(), fileLength: 1L << 40));

        Assert.Contains("nested deeper than 8", error.Message);
    }

    [Fact]
    public async Task A_model_cut_inside_its_tensor_data_is_reported_as_truncated()
    {
        var bytes = await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q8_0));
        using var cut = new MemoryStream(bytes[..(bytes.Length - 100)]);

        var error = await Assert.ThrowsAsync<GgufFormatException>(() => GgufReader.ReadAsync(cut));

        Assert.Contains("truncated", error.Message);
        Assert.Equal(bytes.Length - 100, error.Offset);
    }

    [Fact]
    public async Task An_empty_file_is_reported_as_ending_at_offset_zero()
    {
        using var empty = new MemoryStream();

        var error = await Assert.ThrowsAsync<GgufFormatException>(() => GgufReader.ReadAsync(empty));

        Assert.Equal(0, error.Offset);
        Assert.Contains("ends while reading magic", error.Message);
    }
}
