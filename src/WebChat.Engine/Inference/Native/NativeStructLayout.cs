using System.Runtime.InteropServices;

namespace WebChat.Engine.Inference.Native;

/// <summary>
/// How many bytes a native function wrote when returning a struct, and those bytes, next to the size LLamaSharp's
/// managed struct has. A llama.cpp build with other fields writes another size or other values, and LLamaSharp would
/// read its fields at the wrong offsets.
/// </summary>
/// <param name="NativeBytes">Bytes the native function wrote (rounded up to 8), found with a canary-filled buffer.</param>
/// <param name="ManagedBytes">Marshal.SizeOf of LLamaSharp's struct.</param>
/// <param name="Hex">The written bytes in hex; "..' for a padding byte the function did not write.</param>
public sealed record NativeStructLayout(int NativeBytes, int ManagedBytes, string Hex)
{
    private const int BufferBytes = 4096;

    /// <summary>Calls a native <c>T f(void)</c> whose struct result comes back through a hidden pointer (x64 ABIs) and reads what it wrote.</summary>
    internal static unsafe NativeStructLayout Measure(nint function, int managedBytes)
    {
        var first = Call(function, 0xA5);
        var second = Call(function, 0x5A);
        var extent = 0;
        var hex = new System.Text.StringBuilder();
        for (var i = 0; i < BufferBytes; i++)
        {
            if (first[i] != 0xA5 || second[i] != 0x5A)
            {
                extent = i + 1;
            }
        }

        for (var i = 0; i < extent; i++)
        {
            hex.Append(first[i] == second[i] ? first[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture) : "..");
        }

        return new NativeStructLayout((extent + 7) / 8 * 8, managedBytes, hex.ToString());
    }

    private static unsafe byte[] Call(nint function, byte canary)
    {
        var buffer = new byte[BufferBytes];
        buffer.AsSpan().Fill(canary);
        fixed (byte* result = buffer)
        {
            ((delegate* unmanaged[Cdecl]<byte*, byte*>)function)(result);
        }

        return buffer;
    }

    /// <summary>Why this layout differs from <paramref name="expected"/>, or null when both match.</summary>
    /// <param name="expected">The bundled build's layout.</param>
    /// <param name="name">The native struct's name, for the message.</param>
    /// <param name="fieldAt">Names LLamaSharp's field at a byte offset, so the message says what LLamaSharp would misread.</param>
    public string? DifferenceFrom(NativeStructLayout expected, string name, Func<int, string?>? fieldAt = null)
    {
        if (NativeBytes != expected.NativeBytes)
        {
            return $"{name} is {NativeBytes} bytes, the bound build's is {expected.NativeBytes} (LLamaSharp reads {ManagedBytes})";
        }

        if (Hex != expected.Hex)
        {
            var offset = Enumerable.Range(0, Hex.Length / 2).First(i => Hex.Substring(i * 2, 2) != expected.Hex.Substring(i * 2, 2));
            var field = fieldAt?.Invoke(offset) is { } managed ? $", where LLamaSharp writes {managed}" : "";
            return $"{name} has other default values from byte {offset} on{field} (fields moved or changed)";
        }

        return null;
    }

    internal static int ManagedSize<T>() where T : struct => Marshal.SizeOf<T>();

    /// <summary>The field of <typeparamref name="T"/> that holds byte <paramref name="offset"/>, by its native name.</summary>
    public static string? ManagedFieldAt<T>(int offset) where T : struct => typeof(T)
        .GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
        .Select(f => (Name: f.Name.TrimStart('_'), Offset: (int)Marshal.OffsetOf<T>(f.Name)))
        .Where(f => f.Offset <= offset)
        .OrderByDescending(f => f.Offset)
        .Select(f => f.Name)
        .FirstOrDefault();
}
