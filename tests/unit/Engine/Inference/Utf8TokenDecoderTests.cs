using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference;

public sealed class Utf8TokenDecoderTests
{
    [Fact]
    public void A_character_split_across_pieces_comes_out_only_when_complete()
    {
        var decoder = new Utf8TokenDecoder();
        var euro = "€"u8.ToArray();

        Assert.Equal("", decoder.Append(euro.AsSpan(0, 1)));
        Assert.Equal("", decoder.Append(euro.AsSpan(1, 1)));
        Assert.Equal("€", decoder.Append(euro.AsSpan(2, 1)));
    }

    [Fact]
    public void A_piece_that_ends_one_character_and_starts_another_emits_only_the_finished_one()
    {
        var decoder = new Utf8TokenDecoder();
        var bytes = "é😀"u8.ToArray();

        Assert.Equal("", decoder.Append(bytes.AsSpan(0, 1)));
        Assert.Equal("é", decoder.Append(bytes.AsSpan(1, 3)));
        Assert.Equal("😀", decoder.Append(bytes.AsSpan(4)));
    }

    [Fact]
    public void A_dangling_partial_character_at_the_end_becomes_a_replacement_character()
    {
        var decoder = new Utf8TokenDecoder();
        decoder.Append("€"u8[..2]);

        Assert.Equal("\uFFFD", decoder.Flush());
    }
}
