using WebChat.Cli;

namespace WebChat.Tests.Unit.App.Cli;

public sealed class InstalledModelsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"webchat-models-{Guid.NewGuid():N}");

    public InstalledModelsTests()
    {
        Write("Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf");
        Write("TheBloke/Multi-GGUF/a.Q4_0.gguf");
        Write("TheBloke/Multi-GGUF/a.Q8_0.gguf");
        Write("TheBloke/Multi-GGUF/a.Q8_0.gguf.part");
        Write("loose.gguf");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "GGUF");
    }

    [Fact]
    public void Listing_shows_store_models_by_repository_and_loose_files_by_name_without_partial_downloads()
    {
        var ids = new InstalledModels(_root).List().Select(m => m.Id).ToList();

        Assert.Equal(
            ["Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf", "TheBloke/Multi-GGUF/a.Q4_0.gguf", "TheBloke/Multi-GGUF/a.Q8_0.gguf", "loose.gguf"],
            ids);
    }

    [Theory]
    [InlineData("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf")]
    [InlineData("TheBloke/Multi-GGUF/a.Q8_0.gguf", "TheBloke/Multi-GGUF/a.Q8_0.gguf")]
    [InlineData("a.Q4_0.gguf", "TheBloke/Multi-GGUF/a.Q4_0.gguf")]
    [InlineData("loose.gguf", "loose.gguf")]
    public void An_installed_id_resolves_to_its_file(string reference, string expected)
    {
        Assert.Equal(Path.Combine(_root, expected), new InstalledModels(_root).Resolve(reference));
    }

    [Fact]
    public void A_repository_with_several_files_asks_which_one()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new InstalledModels(_root).Resolve("TheBloke/Multi-GGUF"));

        Assert.Contains("a.Q4_0.gguf", error.Message, StringComparison.Ordinal);
        Assert.Contains("a.Q8_0.gguf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_id_says_where_it_looked()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new InstalledModels(_root).Resolve("nope"));

        Assert.Contains(_root, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_folder_option_the_configured_models_folder_is_used()
    {
        var dataDirectory = Path.Combine(_root, "data");

        var installed = InstalledModels.From(null, [$"--WebChat:DataDirectory={dataDirectory}", $"--WebChat:ModelsDirectory={_root}"]);

        Assert.Equal(Path.GetFullPath(_root), installed.Directory);
        Assert.Contains(installed.List(), m => m.Id == "loose.gguf");
    }
}
