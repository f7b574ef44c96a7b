using WebChat.Engine.Gguf;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.Engine.Gguf;

public class GgufPrefixReadingTests
{
    [Fact]
    public async Task Every_prefix_shorter_than_the_header_asks_for_more_and_the_full_header_reads_exactly()
    {
        var file = await File.ReadAllBytesAsync(TestModels.Tiny);
        var full = await GgufReader.ReadFileAsync(TestModels.Tiny);
        var headerLength = (int)full.HeaderLength;

        foreach (var length in PrefixLengths(headerLength))
        {
            var result = GgufReader.ReadPrefix(file.AsSpan(0, length));
            if (length < headerLength)
            {
                Assert.False(result.IsComplete, $"a {length}-byte prefix of a {headerLength}-byte header was read as complete");
                Assert.InRange(result.RequiredLength, length + 1, headerLength);
            }
            else
            {
                Assert.True(result.IsComplete);
                Assert.Equal(full.Metadata.Select(entry => entry.Key), result.Header!.Metadata.Select(entry => entry.Key));
                Assert.Equal(full.Tensors, result.Header.Tensors, (a, b) => a.Name == b.Name && a.Offset == b.Offset && a.Type == b.Type);
            }
        }
    }

    [Fact]
    public async Task Following_the_required_length_reaches_the_header_in_a_few_range_requests()
    {
        var file = await File.ReadAllBytesAsync(TestModels.TinyWith32000Vocabulary);
        var length = 4096;
        var requests = 1;
        GgufPrefixResult result;
        while (!(result = GgufReader.ReadPrefix(file.AsSpan(0, Math.Min(length, file.Length)))).IsComplete)
        {
            length = (int)Math.Max(result.RequiredLength, length * 2L);
            requests++;
        }

        Assert.Equal(32000, result.Header!["tokenizer.ggml.tokens"]!.AsArray()!.Length);
        Assert.InRange(requests, 2, 10);
    }

    [Fact]
    public async Task A_prefix_that_is_the_whole_file_is_reported_as_truncated_not_as_needing_more()
    {
        var file = await File.ReadAllBytesAsync(TestModels.Tiny);
        var cut = file[..1000];

        var error = Assert.Throws<GgufFormatException>(() => GgufReader.ReadPrefix(cut, fileLength: cut.Length));

        Assert.Contains("ends while reading", error.Message);
        Assert.InRange(error.Offset, 0, 1000);
    }

    [Fact]
    public void A_prefix_that_is_already_invalid_fails_at_once_instead_of_asking_for_more()
    {
        var bytes = RawHeaderBuilder.Start(0, 1).Str("general.name").U32(8).U64(ulong.MaxValue).ToArray();

        var error = Assert.Throws<GgufFormatException>(() => GgufReader.ReadPrefix(bytes));

        Assert.Equal(24 + 8 + 12 + 4, error.Offset);
    }

    [Fact]
    public async Task Reading_from_a_stream_stops_after_the_header_and_never_reads_the_tensor_data()
    {
        var path = TestModels.Get(TestModels.TinySpec with { Name = "webchat-wide", EmbeddingLength = 512, FeedForwardLength = 1024 });
        await using var file = File.OpenRead(path);
        var counting = new CountingStream(file);

        var header = await GgufReader.ReadAsync(counting);

        Assert.True(file.Length > 8 * 1024 * 1024, "the model should be much larger than one read");
        Assert.InRange(counting.BytesRead, header.HeaderLength, 1024 * 1024);
    }

    [Fact]
    public async Task A_stream_that_delivers_a_few_bytes_per_read_gives_the_same_header()
    {
        var bytes = await File.ReadAllBytesAsync(TestModels.Tiny);
        var trickle = new CountingStream(new MemoryStream(bytes), maxBytesPerRead: 7, seekable: false);

        var header = await GgufReader.ReadAsync(trickle);

        Assert.Equal(2048, header["tokenizer.ggml.tokens"]!.AsArray()!.Length);
        Assert.Null(header.FileLength);
    }

    private static IEnumerable<int> PrefixLengths(int headerLength)
    {
        for (var length = 0; length < headerLength + 64; length += length < 2048 ? 1 : 61)
        {
            yield return length;
        }

        yield return headerLength - 1;
        yield return headerLength;
    }

    /// <summary>Counts what the reader reads; optionally trickles bytes and hides seeking, like a network stream.</summary>
    private sealed class CountingStream(Stream inner, int maxBytesPerRead = int.MaxValue, bool seekable = true) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => seekable;
        public override bool CanWrite => false;
        public override long Length => seekable ? inner.Length : throw new NotSupportedException();
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, Math.Min(count, maxBytesPerRead));
            BytesRead += read;
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
