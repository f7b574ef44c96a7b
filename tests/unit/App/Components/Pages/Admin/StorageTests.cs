using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using WebChat.Components.Pages.Admin;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Catalog;
using WebChat.Engine.Downloads;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using WebChat.Services.Accounts;
using WebChat.Services.Admin;
using WebChat.Services.Models;
using WebChat.Tests.Unit.App.Services.Admin;
using WebChat.Tests.Unit.Engine.Hub;

namespace WebChat.Tests.Unit.App.Components.Pages.Admin;

/// <summary>The Storage page over the real store, download manager and database; only the engine's status is fixed.</summary>
public sealed class StorageTests : BunitContext, IAsyncLifetime
{
    private FakeHubFixture hub = null!;
    private AppServicesHost app = null!;
    private ModelStore store = null!;

    public async Task InitializeAsync()
    {
        hub = await FakeHubFixture.StartAsync();
        app = await AppServicesHost.StartAsync();
        var hubServices = hub.Services();
        store = hubServices.GetRequiredService<ModelStore>();
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(store);
        Services.AddSingleton(hubServices.GetRequiredService<DownloadManager>());
        Services.AddSingleton(hubServices.GetRequiredService<IOptions<ModelStoreOptions>>());
        Services.AddSingleton(app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>());
        Services.AddSingleton(app.Services.GetRequiredService<IOptions<WebChatOptions>>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<StorageReader>();
        Services.AddSingleton<PartialFileCleanup>();
        Services.AddSingleton<ModelImporter>(_ => null!);
        Services.AddSingleton<ModelLibrary>();
        this.AddAuthorization().SetAuthorized("admin").SetRoles(Roles.Admin);
        Services.AddSingleton<WebChat.Services.Models.ModelDisplayNames>();
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new WebChat.Services.Knowledge.KnowledgeOptions { StoragePerUserMegabytes = 4 }));
        Services.AddSingleton<WebChat.Services.Knowledge.KnowledgeStorage>();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await app.DisposeAsync();
        await hub.DisposeAsync();
    }

    [Fact]
    public void Deleting_the_model_that_is_answering_is_refused_with_the_reason_after_confirming()
    {
        var loaded = Install("acme/tiny-GGUF/a.gguf");
        Services.AddSingleton<IInferenceEngine>(FixedStatusEngine.Answering(loaded));
        var dialogs = Render<MudDialogProvider>();
        var page = Render<Storage>();
        Assert.Contains("loaded", page.Find("tbody").TextContent, StringComparison.Ordinal);

        page.Find("button[aria-label='Delete acme/tiny-GGUF']").Click();
        ConfirmDelete(dialogs);

        page.WaitForAssertion(() => Assert.Contains(Snackbars(), m => m.Contains("the engine has loaded and it is answering", StringComparison.Ordinal)));
        Assert.True(File.Exists(loaded));
    }

    [Fact]
    public void A_confirmed_delete_removes_the_model_from_disk_and_from_the_list()
    {
        var path = Install("other/big-GGUF/x.gguf");
        Services.AddSingleton<IInferenceEngine>(FixedStatusEngine.Empty);
        var dialogs = Render<MudDialogProvider>();
        var page = Render<Storage>();

        page.Find("button[aria-label='Delete other/big-GGUF']").Click();
        ConfirmDelete(dialogs);

        page.WaitForAssertion(() => Assert.Contains("No models in the models folder.", page.Markup, StringComparison.Ordinal));
        Assert.False(File.Exists(path));
        Assert.Contains("Deleted other/big-GGUF (1 file)", Snackbars());
    }

    [Fact]
    public void Cleaning_up_removes_stale_partial_files_from_disk_and_page()
    {
        var stale = Install("old/gone-GGUF/g.gguf.part");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-30));
        Services.AddSingleton<IInferenceEngine>(FixedStatusEngine.Empty);
        var page = Render<Storage>();
        Assert.Contains("stale", page.Markup, StringComparison.Ordinal);

        page.FindAll("button").Single(b => b.TextContent.Contains("Clean up stale partial files", StringComparison.Ordinal)).Click();

        page.WaitForAssertion(() => Assert.Contains("No partial downloads.", page.Markup, StringComparison.Ordinal));
        Assert.False(File.Exists(stale));
        Assert.Contains("Removed 1 stale partial file", Snackbars());
    }

    [Fact]
    public async Task Each_persons_documents_are_listed_with_their_size_against_the_limit_and_failed_files_do_not_count()
    {
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            db.Users.Add(new ApplicationUser { Id = "carol", UserName = "carol@example.test", Email = "carol@example.test" });
            var collection = new KnowledgeCollection { Name = "notes", OwnerId = "carol", Embedder = "minilm-l6-v2", Dimensions = 384 };
            db.KnowledgeCollections.Add(collection);
            foreach (var (name, bytes, status) in new[] { ("a.pdf", 1024L * 1024, IngestionStatus.Ready), ("b.md", 1024L * 1024, IngestionStatus.Queued), ("bad.pdf", 9L * 1024 * 1024, IngestionStatus.Failed) })
            {
                db.KnowledgeDocuments.Add(new KnowledgeDocument { CollectionId = collection.Id, FileName = name, SizeBytes = bytes, Sha256 = name, UploadedById = "carol", Status = status });
            }

            await db.SaveChangesAsync();
        }

        Services.AddSingleton<IInferenceEngine>(FixedStatusEngine.Empty);
        var page = Render<Storage>();

        page.WaitForAssertion(() =>
        {
            var cells = page.FindAll("[data-testid=knowledge-storage] tbody td").Select(td => td.TextContent.Trim()).ToList();
            Assert.Equal(["carol@example.test", "2", ByteSizes.Format(2L * 1024 * 1024), $"50% of {ByteSizes.Format(4L * 1024 * 1024)}"], cells);
        });
    }

    private static void ConfirmDelete(IRenderedComponent<MudDialogProvider> dialogs) =>
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click());

    private List<string> Snackbars() => Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message ?? "").ToList();

    private string Install(string relative)
    {
        var path = Path.Combine(store.Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[128]);
        return path;
    }
}
