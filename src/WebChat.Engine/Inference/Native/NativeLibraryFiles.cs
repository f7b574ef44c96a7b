namespace WebChat.Engine.Inference.Native;

/// <summary>The llama.cpp libraries in an operator's folder: libllama (any versioned name) and libmtmd beside it.</summary>
public sealed record NativeLibraryFiles(string Folder, string LlamaPath, string? MtmdPath)
{
    /// <summary>Finds the libraries in <paramref name="folder"/>; null when it holds no libllama.</summary>
    public static NativeLibraryFiles? Locate(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            return null;
        }

        var llama = Find(full, "llama");
        return llama is null ? null : new NativeLibraryFiles(full, llama, Find(full, "mtmd"));
    }

    // libllama.so first, then a versioned name such as libllama.v0.4.0.so; llama.dll and libllama.dylib elsewhere.
    private static string? Find(string folder, string name)
    {
        string[] exact = [$"lib{name}.so", $"{name}.dll", $"lib{name}.dylib"];
        foreach (var file in exact)
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return Directory.EnumerateFiles(folder, $"lib{name}.*.so").Order(StringComparer.Ordinal).FirstOrDefault();
    }
}
