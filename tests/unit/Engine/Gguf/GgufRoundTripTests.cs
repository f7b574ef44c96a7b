#pragma warning disable CA1861 // Literal arrays are the test data.

using WebChat.Engine.Gguf;
using WebChat.Engine.Gguf.Writing;

namespace WebChat.Tests.Unit.Engine.Gguf;

public class GgufRoundTripTests
{
    internal static IReadOnlyList<KeyValuePair<string, GgufValue>> EveryValueType() =>
    [
        new("general.architecture", GgufValue.String("llama")),
        new("test.u8", GgufValue.UInt8(250)),
        new("test.i8", GgufValue.Int8(-100)),
        new("test.u16", GgufValue.UInt16(65000)),
        new("test.i16", GgufValue.Int16(-32000)),
        new("test.u32", GgufValue.UInt32(4_000_000_000)),
        new("test.i32", GgufValue.Int32(-2_000_000_000)),
        new("test.f32", GgufValue.Float32(3.25f)),
        new("test.bool", GgufValue.Bool(true)),
        new("test.string", GgufValue.String("héllo, 世界 😀")),
        new("test.u64", GgufValue.UInt64(ulong.MaxValue - 1)),
        new("test.i64", GgufValue.Int64(long.MinValue + 1)),
        new("test.f64", GgufValue.Float64(-1.5e300)),
        new("test.strings", GgufValue.Array(GgufArray.Of(["a", "", "ü"]))),
        new("test.bools", GgufValue.Array(new GgufArray(GgufValueType.Bool, new[] { true, false, true }))),
        new("test.i16s", GgufValue.Array(new GgufArray(GgufValueType.Int16, new short[] { -1, 2, -3 }))),
        new("test.f64s", GgufValue.Array(new GgufArray(GgufValueType.Float64, new[] { 0.5, -0.25 }))),
        new("test.empty", GgufValue.Array(new GgufArray(GgufValueType.UInt64, Array.Empty<ulong>()))),
        new("test.nested", GgufValue.Array(new GgufArray(GgufValueType.Array, new[]
        {
            GgufArray.Of([1, 2, 3]),
            new GgufArray(GgufValueType.Array, new[] { GgufArray.Of(["deep"]) }),
        }))),
    ];

    [Theory]
    [InlineData(2u)]
    [InlineData(3u)]
    public async Task Every_value_type_and_nested_arrays_come_back_as_written(uint version)
    {
        var metadata = EveryValueType();
        using var file = new MemoryStream();
        GgufWriter.Write(file, metadata, [], version);
        file.Position = 0;

        var header = await GgufReader.ReadAsync(file);

        Assert.Equal(version, header.Version);
        Assert.Equal(metadata.Select(entry => entry.Key), header.Metadata.Select(entry => entry.Key));
        foreach (var (expected, actual) in metadata.Zip(header.Metadata))
        {
            AssertSameValue(expected.Value, actual.Value);
        }
    }

    public static TheoryData<GgufValueType, Array> ArraysOfEveryPrimitive => new()
    {
        { GgufValueType.UInt8, new byte[] { 0, 127, 255 } },
        { GgufValueType.Int8, new sbyte[] { -128, 0, 127 } },
        { GgufValueType.UInt16, new ushort[] { 0, 1, 65535 } },
        { GgufValueType.Int16, new short[] { -32768, 7, 32767 } },
        { GgufValueType.UInt32, new uint[] { 0, 4_000_000_000 } },
        { GgufValueType.Int32, new[] { int.MinValue, -1, int.MaxValue } },
        { GgufValueType.Float32, new[] { -0.5f, float.Epsilon, 3e38f } },
        { GgufValueType.UInt64, new[] { 0UL, ulong.MaxValue } },
        { GgufValueType.Int64, new[] { long.MinValue, 42L, long.MaxValue } },
        { GgufValueType.Float64, new[] { double.MinValue, 1e-300 } },
        { GgufValueType.Bool, new[] { false, true } },
    };

    [Theory]
    [MemberData(nameof(ArraysOfEveryPrimitive))]
    public async Task An_array_of_every_element_type_keeps_its_extreme_values(GgufValueType elementType, Array items)
    {
        var written = GgufValue.Array(new GgufArray(elementType, items));
        using var file = new MemoryStream();
        GgufWriter.Write(file, [new("general.architecture", GgufValue.String("llama")), new("test.array", written), new("test.after", GgufValue.UInt32(7))], []);
        file.Position = 0;

        var header = await GgufReader.ReadAsync(file);

        AssertSameValue(written, header["test.array"]!);
        Assert.Equal(7, header.GetInteger("test.after"));
    }

    [Fact]
    public async Task Tensor_infos_of_a_generated_model_match_what_the_writer_wrote()
    {
        var spec = new LlamaModelSpec { WeightType = GgmlType.Q8_0 };
        using var file = new MemoryStream();
        LlamaModelWriter.Write(file, spec);
        file.Position = 0;

        var header = await GgufReader.ReadAsync(file);

        var written = LlamaModelWriter.Tensors(spec);
        Assert.Equal(written.Select(t => (t.Name, t.Type, string.Join('x', t.Dimensions))), header.Tensors.Select(t => (t.Name, t.Type, string.Join('x', t.Dimensions))));
        Assert.All(header.Tensors, tensor => Assert.Equal(0, tensor.Offset % 32));
        Assert.Equal(0, header.DataOffset % 32);
        Assert.Equal(file.Length, header.DataOffset + header.Tensors[^1].Offset + header.Tensors[^1].ByteSize);
        Assert.Equal(2048, header["tokenizer.ggml.tokens"]!.AsArray()!.Length);
        Assert.Equal(ChatTemplates.ChatMl, header.GetString("tokenizer.chat_template"));
    }

    [Fact]
    public void The_same_seed_writes_the_same_bytes_and_another_seed_different_weights()
    {
        static byte[] Write(ulong seed)
        {
            using var file = new MemoryStream();
            LlamaModelWriter.Write(file, new LlamaModelSpec { Seed = seed, WeightType = GgmlType.Q4_0 });
            return file.ToArray();
        }

        var first = Write(7);
        Assert.Equal(first, Write(7));
        var other = Write(8);
        Assert.Equal(first.Length, other.Length);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void The_vocabulary_has_control_tokens_all_256_byte_tokens_and_unique_pieces()
    {
        var vocabulary = SentencePieceVocabulary.Build(32000, chatTokens: true);

        Assert.Equal(32000, vocabulary.Count);
        Assert.Equal(vocabulary.Count, vocabulary.Tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["<unk>", "<s>", "</s>"], vocabulary.Tokens[..3]);
        var bytes = vocabulary.Tokens.Where((_, id) => vocabulary.TokenTypes[id] == 6).ToArray();
        Assert.Equal(Enumerable.Range(0, 256).Select(b => $"<0x{b:X2}>"), bytes);
        Assert.Equal("<|im_end|>", vocabulary.Tokens[vocabulary.ChatEndId!.Value]);
        Assert.Equal(3, vocabulary.TokenTypes[vocabulary.ChatStartId!.Value]);
        Assert.Contains("\u2581hello", vocabulary.Tokens);
    }

    private static void AssertSameValue(GgufValue expected, GgufValue actual)
    {
        Assert.Equal(expected.Type, actual.Type);
        if (expected.Value is GgufArray expectedArray)
        {
            var actualArray = Assert.IsType<GgufArray>(actual.Value);
            AssertSameArray(expectedArray, actualArray);
        }
        else
        {
            Assert.Equal(expected.Value, actual.Value);
        }
    }

    private static void AssertSameArray(GgufArray expected, GgufArray actual)
    {
        Assert.Equal(expected.ElementType, actual.ElementType);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected.Items.GetValue(i) is GgufArray nested)
            {
                AssertSameArray(nested, Assert.IsType<GgufArray>(actual.Items.GetValue(i)));
            }
            else
            {
                Assert.Equal(expected.Items.GetValue(i), actual.Items.GetValue(i));
            }
        }
    }
}
