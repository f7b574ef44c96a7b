namespace WebChat.Engine.Gguf;

/// <summary>
/// A metadata array. <see cref="Items"/> is a typed .NET array (int[], string[], float[], ...; GgufArray[] when nested)
/// so that a 150,000-token vocabulary costs one array, not 150,000 boxed values.
/// </summary>
public sealed class GgufArray
{
    private static readonly Dictionary<GgufValueType, Type> ClrTypes = new()
    {
        [GgufValueType.UInt8] = typeof(byte),
        [GgufValueType.Int8] = typeof(sbyte),
        [GgufValueType.UInt16] = typeof(ushort),
        [GgufValueType.Int16] = typeof(short),
        [GgufValueType.UInt32] = typeof(uint),
        [GgufValueType.Int32] = typeof(int),
        [GgufValueType.Float32] = typeof(float),
        [GgufValueType.Bool] = typeof(bool),
        [GgufValueType.String] = typeof(string),
        [GgufValueType.Array] = typeof(GgufArray),
        [GgufValueType.UInt64] = typeof(ulong),
        [GgufValueType.Int64] = typeof(long),
        [GgufValueType.Float64] = typeof(double),
    };

    public GgufArray(GgufValueType elementType, Array items)
    {
        if (!ClrTypes.TryGetValue(elementType, out var clrType) || items.GetType().GetElementType() != clrType)
        {
            throw new ArgumentException($"A GGUF array of {elementType} needs a {clrType?.Name ?? "?"}[], not {items.GetType().Name}.", nameof(items));
        }

        ElementType = elementType;
        Items = items;
    }

    public GgufValueType ElementType { get; }

    public Array Items { get; }

    public int Length => Items.Length;

    /// <summary>The items as T[] (for example string[] for the token list); throws when the element type differs.</summary>
    public T[] As<T>() => Items as T[] ?? throw new InvalidCastException($"The array holds {ElementType}, not {typeof(T).Name}.");

    public static GgufArray Of(string[] items) => new(GgufValueType.String, items);
    public static GgufArray Of(float[] items) => new(GgufValueType.Float32, items);
    public static GgufArray Of(int[] items) => new(GgufValueType.Int32, items);
    public static GgufArray Of(uint[] items) => new(GgufValueType.UInt32, items);
}
