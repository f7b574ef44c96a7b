namespace WebChat.Engine.Inference.Native;

/// <summary>What a process loaded as llama.cpp: the files, the build's own description, and the layout of two structs.</summary>
/// <param name="LlamaPath">The libllama file that is mapped into the process.</param>
/// <param name="LoadedFiles">Every llama/ggml/mtmd library mapped into the process (a mix of two builds shows here).</param>
/// <param name="SystemInfo">llama_print_system_info: the CPU features the build uses (AVX512, VNNI, AMX...) and GPU backends.</param>
/// <param name="GgmlCommit">ggml_commit: the commit the build says it was made from ("unknown" when built without git).</param>
/// <param name="GgmlVersion">ggml_version: the ggml release the build reports.</param>
/// <param name="Devices">ggml's backend devices, as "name: description".</param>
/// <param name="ModelParams">Layout of llama_model_default_params' result.</param>
/// <param name="ContextParams">Layout of llama_context_default_params' result.</param>
/// <param name="Ggml">ggml's version, op table and type table, as libggml-base reports them.</param>
public sealed record NativeLibraryReport(
    string LlamaPath,
    IReadOnlyList<string> LoadedFiles,
    string SystemInfo,
    string GgmlCommit,
    string GgmlVersion,
    IReadOnlyList<string> Devices,
    NativeStructLayout ModelParams,
    NativeStructLayout ContextParams,
    GgmlTables Ggml)
{
    /// <summary>The folder name of the bundled variant (avx512, avx2, cuda12...), or the folder of a custom build.</summary>
    public string Variant => Path.GetFileName(Path.GetDirectoryName(LlamaPath)) ?? "";

    /// <summary>The ggml CPU backend mapped into the process (libggml-cpu.so of the variant, or a per-CPU libggml-cpu-*.so); null when none is.</summary>
    public string? GgmlCpuPath => LoadedFiles.FirstOrDefault(file => Path.GetFileName(file).StartsWith("libggml-cpu", StringComparison.Ordinal)
        || Path.GetFileName(file).StartsWith("ggml-cpu", StringComparison.Ordinal));
}
