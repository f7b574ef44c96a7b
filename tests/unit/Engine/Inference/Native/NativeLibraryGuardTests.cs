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
        var (custom, _) = await probe.RunAsync(files, CancellationToken.None);

        Assert.Null(refusal);
        Assert.All(custom!.LoadedFiles, file => Assert.StartsWith(files.Folder, file, StringComparison.Ordinal));
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
