using WebChat.Engine.Inference.Native;

namespace WebChat.Tests.Unit.Engine.Inference.Native;

public sealed class NativeLibraryFilesTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("webchat-files-").FullName;

    [Fact]
    public void The_plain_libllama_name_wins_over_a_versioned_one_and_libmtmd_is_found_beside_it()
    {
        Touch("libllama.v0.4.0.so", "libllama.so", "libmtmd.so", "libggml.so");

        var files = NativeLibraryFiles.Locate(folder)!;

        Assert.Equal(Path.Combine(folder, "libllama.so"), files.LlamaPath);
        Assert.Equal(Path.Combine(folder, "libmtmd.so"), files.MtmdPath);
    }

    [Fact]
    public void A_versioned_libllama_alone_is_found_and_a_missing_libmtmd_is_null()
    {
        Touch("libllama.v0.4.0.so", "libggml.v0.4.0.so");

        var files = NativeLibraryFiles.Locate(folder)!;

        Assert.Equal(Path.Combine(folder, "libllama.v0.4.0.so"), files.LlamaPath);
        Assert.Null(files.MtmdPath);
    }

    [Fact]
    public void A_folder_without_libllama_is_not_a_native_library()
    {
        Touch("libggml.so");

        Assert.Null(NativeLibraryFiles.Locate(folder));
        Assert.Null(NativeLibraryFiles.Locate(Path.Combine(folder, "missing")));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void Touch(params string[] names)
    {
        foreach (var name in names)
        {
            File.WriteAllBytes(Path.Combine(folder, name), []);
        }
    }
}
