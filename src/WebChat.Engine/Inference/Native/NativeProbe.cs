using System.Runtime.InteropServices;
using LLama.Native;

namespace WebChat.Engine.Inference.Native;

/// <summary>
/// Loads llama.cpp (a custom folder or LLamaSharp's bundled variant) into this process and describes it. With a
/// library of another build this may crash the process, so the guard runs it in a child process first.
/// </summary>
public static class NativeProbe
{
    private static readonly string[] LibraryNames = ["libllama", "libggml", "libmtmd", "llama.dll", "ggml", "mtmd.dll"];

    /// <summary>Points LLamaSharp at <paramref name="files"/> (null: the bundled library); must run before any native call.</summary>
    public static void Configure(NativeLibraryFiles? files)
    {
        if (files is not null)
        {
            // Both paths: with only libllama's, LLamaSharp still loads its bundled libmtmd (and its ggml) beside it.
            NativeLibraryConfig.All.WithLibrary(files.LlamaPath, files.MtmdPath);
        }
    }

    /// <summary>Loads llama.cpp if it is not loaded yet and reports what is loaded.</summary>
    public static unsafe NativeLibraryReport Describe()
    {
        NativeApi.llama_empty_call();
        var loaded = LoadedFiles();
        var llamaPath = loaded.FirstOrDefault(IsLibrary("llama")) ?? "(not found in the process map)";
        var llama = NativeLibrary.Load(llamaPath);
        var ggml = LoadIfPresent(loaded.FirstOrDefault(f => Path.GetFileName(f).StartsWith("libggml.", StringComparison.Ordinal) || Path.GetFileName(f) == "ggml.dll"));
        var ggmlBase = LoadIfPresent(loaded.FirstOrDefault(IsLibrary("ggml-base")));
        return new NativeLibraryReport(
            llamaPath,
            loaded,
            Text(Export(llama, "llama_print_system_info")).Trim(),
            Text(Export(ggmlBase, "ggml_commit")),
            Text(Export(ggmlBase, "ggml_version")),
            Devices(ggml, ggmlBase),
            NativeStructLayout.Measure(Export(llama, "llama_model_default_params"), NativeStructLayout.ManagedSize<LLamaModelParams>()),
            NativeStructLayout.Measure(Export(llama, "llama_context_default_params"), NativeStructLayout.ManagedSize<LLamaContextParams>()),
            GgmlTables.Read(ggmlBase, name => Export(ggmlBase, name)));
    }

    private static Func<string, bool> IsLibrary(string name) =>
        file => Path.GetFileName(file) is var leaf && (leaf.StartsWith($"lib{name}.", StringComparison.Ordinal) || leaf == $"{name}.dll");

    // Linux: the process map names every mapped file, which shows exactly which builds were loaded.
    private static List<string> LoadedFiles()
    {
        if (!File.Exists("/proc/self/maps"))
        {
            return [];
        }

        return File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? line[slash..] : "")
            .Where(path => LibraryNames.Any(name => Path.GetFileName(path).StartsWith(name, StringComparison.Ordinal)))
            .Distinct()
            .ToList();
    }

    private static nint LoadIfPresent(string? path) => path is null ? 0 : NativeLibrary.Load(path);

    private static nint Export(nint library, string name) =>
        library != 0 && NativeLibrary.TryGetExport(library, name, out var address) ? address : 0;

    private static unsafe string Text(nint function) =>
        function == 0 ? "unknown" : Marshal.PtrToStringUTF8((nint)((delegate* unmanaged[Cdecl]<byte*>)function)()) ?? "";

    private static unsafe List<string> Devices(nint ggml, nint ggmlBase)
    {
        var count = Export(ggml, "ggml_backend_dev_count");
        var get = Export(ggml, "ggml_backend_dev_get");
        var name = Export(ggmlBase, "ggml_backend_dev_name") is var n and not 0 ? n : Export(ggml, "ggml_backend_dev_name");
        var description = Export(ggmlBase, "ggml_backend_dev_description") is var d and not 0 ? d : Export(ggml, "ggml_backend_dev_description");
        if (count == 0 || get == 0 || name == 0 || description == 0)
        {
            return [];
        }

        var devices = new List<string>();
        var total = ((delegate* unmanaged[Cdecl]<nuint>)count)();
        for (nuint i = 0; i < total; i++)
        {
            var device = ((delegate* unmanaged[Cdecl]<nuint, nint>)get)(i);
            var deviceName = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint, nint>)name)(device));
            var deviceDescription = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint, nint>)description)(device));
            devices.Add($"{deviceName}: {deviceDescription}");
        }

        return devices;
    }
}
