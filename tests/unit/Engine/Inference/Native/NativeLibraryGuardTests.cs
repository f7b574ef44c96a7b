using WebChat.Configuration;
using WebChat.Engine.Inference.Native;
using WebChat.Tests.Support.Native;

namespace WebChat.Tests.Unit.Engine.Inference.Native;

/// <summary>The guard with real probe processes (the app's own `native-probe` command) on real llama.cpp libraries.</summary>
public sealed class NativeLibraryGuardTests : IDisposable
{
    private readonly NativeProbeProcess probe = NativeProbeProcess.ForAssembly(typeof(WebChatOptions).Assembly.Location);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "webchat-native-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_copy_of_the_bundled_variant_in_another_folder_is_accepted()
    {
        var (bundled, failure) = await probe.RunAsync(null, CancellationToken.None);
        Assert.True(bundled is not null, failure);
        CopyFolder(Path.GetDirectoryName(bundled.LlamaPath)!, folder);
        var files = NativeLibraryFiles.Locate(folder)!;

        var refusal = await new NativeLibraryGuard(probe).CheckAsync(files, CancellationToken.None);
        var (custom, customFailure) = await probe.RunAsync(files, CancellationToken.None);

        Assert.Null(refusal);
        Assert.True(custom is not null, customFailure);
        Assert.All(custom.LoadedFiles, file => Assert.StartsWith(files.Folder, file, StringComparison.Ordinal));
        Assert.Equal(bundled.ModelParams, custom.ModelParams);
    }

    [Fact]
    public async Task The_libllama_of_node_llama_cpp_is_refused_because_its_model_params_struct_is_larger()
    {
        await NodeLlamaCpp.EnsureInstalledAsync();
        var files = NativeLibraryFiles.Locate(NodeLlamaCpp.LinuxX64Binaries)!;

        var refusal = await new NativeLibraryGuard(probe).CheckAsync(files, CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.Contains("is not the llama.cpp build LLamaSharp binds", refusal, StringComparison.Ordinal);
        Assert.Contains("llama_model_params is 80 bytes, the bound build's is 72", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ggml_of_another_version_under_the_bundled_libllama_is_refused_naming_the_first_op_that_differs()
    {
        await NodeLlamaCpp.EnsureInstalledAsync();
        var (bundled, failure) = await probe.RunAsync(null, CancellationToken.None);
        Assert.True(bundled is not null, failure);
        NodeLlamaCpp.ComposeForeignGgml(Path.GetDirectoryName(bundled.LlamaPath)!, folder);

        var refusal = await new NativeLibraryGuard(probe).CheckAsync(NativeLibraryFiles.Locate(folder)!, CancellationToken.None);

        // The structs match (it is the bundled libllama): only the ggml tables can tell.
        Assert.NotNull(refusal);
        Assert.Contains("do not match the bundled build's", refusal, StringComparison.Ordinal);
        Assert.Contains("glu op 6: SWIGLU_CLAMP", refusal, StringComparison.Ordinal);
        Assert.Contains("ggml 0.23.0, the bundled build's is 0.18.0", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bundled_ggml_reports_its_whole_op_and_type_tables()
    {
        var (bundled, failure) = await probe.RunAsync(null, CancellationToken.None);

        Assert.True(bundled is not null, failure);
        Assert.Equal("0.18.0", bundled.Ggml.Version);
        Assert.Equal(101, bundled.Ggml.Ops.Count);
        Assert.Equal(["NONE", "DUP", "ADD"], bundled.Ggml.Ops.Take(3));
        Assert.Equal(43, bundled.Ggml.Types.Count);
        Assert.Equal("f32, block 1, 4 bytes", bundled.Ggml.Types[0]);
        Assert.Equal("q8_0, block 32, 34 bytes", bundled.Ggml.Types[8]);
        Assert.NotEmpty(bundled.Ggml.UnaryOps);
        Assert.NotEmpty(bundled.Ggml.GluOps);
    }

    [HostGgmlFact]
    public async Task The_ggml_built_for_this_host_from_the_matching_source_is_accepted_with_the_bundled_tables()
    {
        var files = NativeLibraryFiles.Locate(HostGgmlBuild.Folder)!;

        var refusal = await new NativeLibraryGuard(probe).CheckAsync(files, CancellationToken.None);
        var (custom, customFailure) = await probe.RunAsync(files, CancellationToken.None);
        var (bundled, bundledFailure) = await probe.RunAsync(null, CancellationToken.None);

        Assert.Null(refusal);
        Assert.True(custom is not null, customFailure);
        Assert.True(bundled is not null, bundledFailure);
        Assert.Equal(bundled.Ggml.Ops, custom.Ggml.Ops);
        Assert.Equal(bundled.Ggml.Types, custom.Ggml.Types);
        Assert.Contains(Path.Combine(files.Folder, "libggml-cpu.so"), custom.LoadedFiles);
    }

    [Fact]
    public async Task A_probe_that_cannot_load_the_library_is_a_refusal_not_a_crash()
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "libllama.so"), "not a shared library");

        var refusal = await new NativeLibraryGuard(probe).CheckAsync(NativeLibraryFiles.Locate(folder)!, CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.Contains("probe process failed", refusal, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
