using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Storage;
using WebChat.Extensions;
using WebChat.Services.Models;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.App.Services.Models;

public sealed class ModelImporterTests : IAsyncLifetime
{
    private AppServicesHost _app = null!;
    private string _sourceFolder = null!;

    public async Task InitializeAsync()
    {
        _app = await AppServicesHost.StartAsync(builder => builder.AddWebChatEngine().AddWebChatModels());
        _sourceFolder = Path.Combine(_app.DataDirectory, "elsewhere");
        Directory.CreateDirectory(_sourceFolder);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private ModelImporter Importer => _app.Services.GetRequiredService<ModelImporter>();

    [Fact]
    public async Task Importing_a_file_that_is_not_a_GGUF_is_refused_with_a_clear_message_and_nothing_is_recorded_or_copied()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        var bogus = Path.Combine(_sourceFolder, "notes.gguf");
        await File.WriteAllTextAsync(bogus, "these are my notes, not a model");

        var error = await Assert.ThrowsAsync<ModelImportException>(() => Importer.ImportAsync(admin, bogus, ImportMode.Copy));

        Assert.StartsWith("notes.gguf is not a GGUF model:", error.Message, StringComparison.Ordinal);
        await AssertNothingInstalledAsync();
    }

    [Fact]
    public async Task Importing_a_GGUF_cut_off_inside_its_header_is_refused_and_nothing_is_recorded()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        var truncated = Path.Combine(_sourceFolder, "cut.gguf");
        await File.WriteAllBytesAsync(truncated, (await File.ReadAllBytesAsync(TestModels.Tiny))[..200]);

        var error = await Assert.ThrowsAsync<ModelImportException>(() => Importer.ImportAsync(admin, truncated, ImportMode.Copy));

        Assert.StartsWith("cut.gguf is not a GGUF model", error.Message, StringComparison.Ordinal);
        await AssertNothingInstalledAsync();
    }

    [Fact]
    public async Task Importing_a_path_where_no_file_is_says_so()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");

        var error = await Assert.ThrowsAsync<ModelImportException>(() => Importer.ImportAsync(admin, Path.Combine(_sourceFolder, "missing.gguf"), ImportMode.Copy));

        Assert.StartsWith("There is no file at", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ImportMode.Copy)]
    [InlineData(ImportMode.HardLink)]
    public async Task Importing_a_real_GGUF_puts_it_in_the_models_folder_and_records_it_as_an_import(ImportMode mode)
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        var source = Path.Combine(_sourceFolder, "my-tiny.gguf");
        File.Copy(TestModels.Tiny, source);

        var row = await Importer.ImportAsync(admin, source, mode);

        Assert.Equal(("local/my-tiny.gguf", "local/imported/my-tiny.gguf", ModelSource.Import, "llama"), (row.Id, row.RelativePath, row.Source, row.Architecture));
        var store = _app.Services.GetRequiredService<ModelStore>();
        Assert.Equal(await File.ReadAllBytesAsync(source), await File.ReadAllBytesAsync(Path.Combine(store.Root, row.RelativePath)));
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        Assert.Equal(row.Id, (await db.InstalledModels.SingleAsync()).Id);
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_cannot_import()
    {
        await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(_app.Services, "user");
        var source = Path.Combine(_sourceFolder, "my-tiny.gguf");
        File.Copy(TestModels.Tiny, source);

        await Assert.ThrowsAsync<ModelAccessDeniedException>(() => Importer.ImportAsync(user, source, ImportMode.Copy));

        await AssertNothingInstalledAsync();
    }

    private async Task AssertNothingInstalledAsync()
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.InstalledModels.ToListAsync());
        var root = _app.Services.GetRequiredService<ModelStore>().Root;
        Assert.False(Directory.Exists(root) && Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Any(), "the models folder stays empty");
    }
}
