using LLama.Native;

namespace WebChat.Engine.Inference.Native;

/// <summary>
/// Decides whether a custom llama.cpp folder may be loaded: it is probed in a child process next to the bundled
/// library, and accepted only when llama_model_params and llama_context_params come back with the bundled build's
/// size and default values (the structs LLamaSharp marshals on every load), i.e. when it is the build LLamaSharp binds,
/// and when its ggml has the bundled ggml's version and the same op and type tables, entry by entry.
/// </summary>
public sealed class NativeLibraryGuard(NativeProbeProcess probe)
{
    /// <summary>Null when <paramref name="files"/> may be loaded; otherwise why not, in words for the operator.</summary>
    public async Task<string?> CheckAsync(NativeLibraryFiles files, CancellationToken cancellationToken)
    {
        var customRun = probe.RunAsync(files, cancellationToken);
        var bundledRun = probe.RunAsync(null, cancellationToken);
        var (custom, customFailure) = await customRun;
        var (bundled, bundledFailure) = await bundledRun;
        if (custom is null)
        {
            return $"loading {files.LlamaPath} in a probe process failed: {customFailure}";
        }

        if (bundled is null)
        {
            return $"the bundled library could not be probed to compare with: {bundledFailure}";
        }

        if (custom.LoadedFiles.FirstOrDefault(file => !file.StartsWith(files.Folder, StringComparison.Ordinal)) is { } foreign)
        {
            return $"loading it also loaded {foreign} from outside the folder (a mix of two builds)";
        }

        var difference = custom.ModelParams.DifferenceFrom(bundled.ModelParams, "llama_model_params", NativeStructLayout.ManagedFieldAt<LLamaModelParams>)
            ?? custom.ContextParams.DifferenceFrom(bundled.ContextParams, "llama_context_params", NativeStructLayout.ManagedFieldAt<LLamaContextParams>);
        if (difference is not null)
        {
            return $"{files.LlamaPath} is not the llama.cpp build LLamaSharp binds ({difference}; its ggml commit is {custom.GgmlCommit}, the bundled one's {bundled.GgmlCommit})";
        }

        // libllama numbers ops and types from the headers it was compiled with; another table computes garbage silently.
        if (custom.Ggml.DifferenceFrom(bundled.Ggml) is { } ggml)
        {
            return $"the ggml libraries in {files.Folder} do not match the bundled build's ({ggml}; ggml commit {custom.GgmlCommit}, the bundled one's {bundled.GgmlCommit})";
        }

        if (bundled.Ggml.Ops.Count == 0 || bundled.Ggml.Types.Count == 0)
        {
            return "the bundled ggml's op and type tables could not be read to compare with";
        }

        // Checked last so that a wrong build is named as such; without it LLamaSharp loads its bundled libmtmd against this build.
        return files.MtmdPath is null ? $"{files.Folder} holds no libmtmd beside {Path.GetFileName(files.LlamaPath)}" : null;
    }
}
