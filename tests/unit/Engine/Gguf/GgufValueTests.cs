using System.Globalization;
using WebChat.Engine.Gguf;

namespace WebChat.Tests.Unit.Engine.Gguf;

public sealed class GgufValueTests
{
    public static TheoryData<GgufValue, long> IntegersOfEveryWidth => new()
    {
        { GgufValue.UInt8(200), 200 },
        { GgufValue.Int8(-7), -7 },
        { GgufValue.UInt16(60_000), 60_000 },
        { GgufValue.Int16(-30_000), -30_000 },
        { GgufValue.UInt32(4_000_000_000), 4_000_000_000 },
        { GgufValue.Int32(-5), -5 },
        { GgufValue.Int64(-9_000_000_000), -9_000_000_000 },
        { GgufValue.UInt64(9_000_000_000), 9_000_000_000 },
    };

    [Theory]
    [MemberData(nameof(IntegersOfEveryWidth))]
    public void Every_integer_width_reads_as_the_same_integer_and_number(GgufValue value, long expected)
    {
        Assert.Equal(expected, value.AsInteger());
        Assert.Equal(expected, value.AsNumber());
    }

    [Fact]
    public void An_unsigned_64_bit_value_beyond_long_is_no_integer_but_still_a_number()
    {
        var value = GgufValue.UInt64(ulong.MaxValue);

        Assert.Null(value.AsInteger());
        Assert.Equal(ulong.MaxValue, value.AsNumber());
    }

    [Fact]
    public void Floats_are_numbers_but_not_integers()
    {
        Assert.Null(GgufValue.Float32(2f).AsInteger());
        Assert.Equal(0.5, GgufValue.Float32(0.5f).AsNumber());
        Assert.Equal(-1e300, GgufValue.Float64(-1e300).AsNumber());
    }

    [Fact]
    public void Strings_booleans_and_arrays_are_neither_integers_nor_numbers()
    {
        var array = GgufValue.Array(GgufArray.Of([1, 2]));

        Assert.Null(GgufValue.String("7").AsNumber());
        Assert.Null(GgufValue.Bool(true).AsInteger());
        Assert.Null(array.AsNumber());
        Assert.Equal("7", GgufValue.String("7").AsString());
        Assert.Null(GgufValue.UInt32(7).AsString());
        Assert.NotNull(array.AsArray());
        Assert.Null(GgufValue.String("x").AsArray());
    }

    [Fact]
    public void Text_of_a_value_does_not_depend_on_the_machine_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");

            Assert.Equal("0.5", GgufValue.Float32(0.5f).ToString());
            Assert.Equal("1000000", GgufValue.UInt32(1_000_000).ToString());
            Assert.Equal("true", GgufValue.Bool(true).ToString());
            Assert.Equal("llama", GgufValue.String("llama").ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }
}
