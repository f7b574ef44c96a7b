using System.Globalization;

#pragma warning disable CA1720 // The names are the GGUF specification's type names.

namespace WebChat.Engine.Gguf;

/// <summary>One metadata value: its GGUF type and the .NET value (byte, sbyte, ..., string, bool or <see cref="GgufArray"/>).</summary>
public sealed record GgufValue
{
    private GgufValue(GgufValueType type, object value)
    {
        Type = type;
        Value = value;
    }

    public GgufValueType Type { get; }

    public object Value { get; }

    public static GgufValue UInt8(byte value) => new(GgufValueType.UInt8, value);
    public static GgufValue Int8(sbyte value) => new(GgufValueType.Int8, value);
    public static GgufValue UInt16(ushort value) => new(GgufValueType.UInt16, value);
    public static GgufValue Int16(short value) => new(GgufValueType.Int16, value);
    public static GgufValue UInt32(uint value) => new(GgufValueType.UInt32, value);
    public static GgufValue Int32(int value) => new(GgufValueType.Int32, value);
    public static GgufValue Float32(float value) => new(GgufValueType.Float32, value);
    public static GgufValue Bool(bool value) => new(GgufValueType.Bool, value);
    public static GgufValue String(string value) => new(GgufValueType.String, value);
    public static GgufValue UInt64(ulong value) => new(GgufValueType.UInt64, value);
    public static GgufValue Int64(long value) => new(GgufValueType.Int64, value);
    public static GgufValue Float64(double value) => new(GgufValueType.Float64, value);
    public static GgufValue Array(GgufArray value) => new(GgufValueType.Array, value);

    /// <summary>The value as a signed integer when it is an integer type that fits; otherwise null.</summary>
    public long? AsInteger() => Value switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        long v => v,
        ulong v when v <= long.MaxValue => (long)v,
        _ => null,
    };

    /// <summary>The value as a double when it is numeric; otherwise null.</summary>
    public double? AsNumber() => Value switch
    {
        float v => v,
        double v => v,
        ulong v => v,
        _ => AsInteger(),
    };

    public string? AsString() => Value as string;

    public GgufArray? AsArray() => Value as GgufArray;

    public override string ToString() => Value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };
}
