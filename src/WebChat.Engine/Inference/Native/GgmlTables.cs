using System.Globalization;
using System.Runtime.InteropServices;

namespace WebChat.Engine.Inference.Native;

/// <summary>
/// ggml's op and type tables as a loaded libggml-base reports them. libllama builds graphs with op and type numbers
/// compiled from its own ggml headers: a libggml-base whose tables differ (an op inserted, a type resized) computes
/// other operations on the same numbers and returns garbage without any error, so a build must match entry by entry.
/// </summary>
/// <param name="Version">ggml_version().</param>
/// <param name="Ops">ggml_op_name(i) for every op, in number order.</param>
/// <param name="UnaryOps">ggml_unary_op_name(i) for every unary op (the sub-op numbers of GGML_OP_UNARY).</param>
/// <param name="GluOps">ggml_glu_op_name(i) for every gated linear unit op (the sub-op numbers of GGML_OP_GLU).</param>
/// <param name="Types">"name, block size, bytes per block" for every type (ggml_type_name, ggml_blck_size, ggml_type_size).</param>
/// <param name="TensorOverhead">ggml_tensor_overhead(): the size of ggml_tensor, whose fields libllama reads directly.</param>
public sealed record GgmlTables(string Version, IReadOnlyList<string> Ops, IReadOnlyList<string> UnaryOps, IReadOnlyList<string> GluOps, IReadOnlyList<string> Types, long TensorOverhead)
{
    // Far above any ggml's counts (101 ops and 43 types in 0.18.0); the walk stops long before.
    private const int MaxEntries = 512;

    /// <summary>Why these tables differ from <paramref name="expected"/> (the first differing entry), or null when they match.</summary>
    public string? DifferenceFrom(GgmlTables expected)
    {
        // Tables first: they say what would go wrong; the version alone refuses a build whose tables happen to agree.
        var table = FirstDifference("op", Ops, expected.Ops)
            ?? FirstDifference("unary op", UnaryOps, expected.UnaryOps)
            ?? FirstDifference("glu op", GluOps, expected.GluOps)
            ?? FirstDifference("type", Types, expected.Types)
            ?? (TensorOverhead == expected.TensorOverhead ? null : $"a ggml tensor takes {TensorOverhead} bytes, in the bundled build {expected.TensorOverhead} (its fields moved)");
        var version = Version == expected.Version ? null : $"ggml {Version}, the bundled build's is {expected.Version}";
        return table is null ? version : version is null ? table : $"{table}; {version}";
    }

    private static string? FirstDifference(string kind, IReadOnlyList<string> actual, IReadOnlyList<string> expected)
    {
        for (var i = 0; i < Math.Min(actual.Count, expected.Count); i++)
        {
            if (actual[i] != expected[i])
            {
                return $"ggml {kind} {i} is {actual[i]}, the bundled build's is {expected[i]}";
            }
        }

        return actual.Count == expected.Count
            ? null
            : $"ggml has {actual.Count} {kind}s, the bundled build {expected.Count} (the first extra or missing one is {kind} {Math.Min(actual.Count, expected.Count)}: {(actual.Count > expected.Count ? actual[expected.Count] : expected[actual.Count])})";
    }

    /// <summary>
    /// Reads the tables through <paramref name="ggmlBase"/>'s exports. ggml exports no op or type count and does not check
    /// the index, so the walk reads names while each pointer lands in a readable mapping and points at a name-shaped
    /// string (ops are upper-case identifiers; the array after it holds lower-case symbols); both builds are read the same way.
    /// </summary>
    internal static unsafe GgmlTables Read(nint ggmlBase, Func<string, nint> export)
    {
        var readable = ReadableRanges();
        var version = export("ggml_version") is var v and not 0 ? Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint>)v)()) ?? "" : "unknown";
        var typeName = export("ggml_type_name");
        var blockSize = export("ggml_blck_size");
        var typeSize = export("ggml_type_size");
        var overhead = export("ggml_tensor_overhead");
        var types = new List<string>();
        if (ggmlBase == 0 || typeName == 0 || blockSize == 0 || typeSize == 0 || overhead == 0)
        {
            return new GgmlTables(version, [], [], [], types, 0);
        }

        for (var i = 0; i < MaxEntries; i++)
        {
            var name = SafeString(((delegate* unmanaged[Cdecl]<int, nint>)typeName)(i), readable);
            if (name is null || name.Length == 0 || name.Any(c => c < ' ' || c > '~'))
            {
                break;
            }

            var block = ((delegate* unmanaged[Cdecl]<int, long>)blockSize)(i);
            var bytes = ((delegate* unmanaged[Cdecl]<int, nuint>)typeSize)(i);
            types.Add(string.Create(CultureInfo.InvariantCulture, $"{name}, block {block}, {bytes} bytes"));
        }

        return new GgmlTables(
            version,
            OpNames(export("ggml_op_name"), readable),
            OpNames(export("ggml_unary_op_name"), readable),
            OpNames(export("ggml_glu_op_name"), readable),
            types,
            (long)((delegate* unmanaged[Cdecl]<nuint>)overhead)());
    }

    private static unsafe List<string> OpNames(nint function, List<(ulong Start, ulong End)> readable)
    {
        var names = new List<string>();
        for (var i = 0; function != 0 && i < MaxEntries; i++)
        {
            var name = SafeString(((delegate* unmanaged[Cdecl]<int, nint>)function)(i), readable);
            if (name is null || !IsOpName(name))
            {
                break;
            }

            names.Add(name);
        }

        return names;
    }

    private static bool IsOpName(string name) =>
        name.Length > 0 && char.IsAsciiLetterUpper(name[0]) && name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');

    // A string at a pointer only when every byte up to its end lies in a readable mapping: a pointer read past a table's end
    // (the walk's stop condition) may point anywhere, and following it must not crash the probe.
    private static unsafe string? SafeString(nint pointer, List<(ulong Start, ulong End)> readable)
    {
        const int MaxLength = 128;
        var address = (ulong)pointer;
        var range = readable.FindIndex(r => address >= r.Start && address < r.End);
        if (range < 0)
        {
            return null;
        }

        var end = readable[range].End;
        var bytes = new List<byte>();
        for (var p = address; p < end && bytes.Count < MaxLength; p++)
        {
            var b = *(byte*)p;
            if (b == 0)
            {
                return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
            }

            bytes.Add(b);
        }

        return null;
    }

    private static List<(ulong Start, ulong End)> ReadableRanges()
    {
        var ranges = new List<(ulong, ulong)>();
        if (!File.Exists("/proc/self/maps"))
        {
            return ranges;
        }

        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var fields = line.Split(' ', 3);
            if (fields.Length >= 2 && fields[1].StartsWith('r') && fields[0].Split('-') is [var start, var end])
            {
                ranges.Add((ulong.Parse(start, NumberStyles.HexNumber, CultureInfo.InvariantCulture), ulong.Parse(end, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
        }

        return ranges;
    }
}
