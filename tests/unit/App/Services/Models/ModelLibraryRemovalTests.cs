using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using System.Security.Claims;
using WebChat.Services.Models;
using WebChat.Tests.Unit.App.Services.Admin;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Unit.Engine.Hub;
using WebChat.Tests.Unit.App.Data;

namespace WebChat.Tests.Unit.App.Services.Models;

public sealed class ModelLibraryRemovalTests
{
    [Theory]
    [BothProviders]
    public async Task Deleting_a_model_removes_its_files_and_its_rows_and_leaves_other_models_alone(DataProvider provider)
    {
        await using var hub = await FakeHubFixture.StartAsync();
        await using var app = await AppServicesHost.StartAsync(provider);
        var store = hub.Services().GetRequiredService<ModelStore>();
        await InstallAsync(app, store, "acme/tiny-GGUF", "a.gguf", "b.gguf");
        await InstallAsync(app, store, "other/big-GGUF", "x.gguf");

        var result = await Removal(hub, app, FixedStatusEngine.Empty).DeleteRepositoryAsync(Admin, "acme/tiny-GGUF");

        Assert.Equal(new ModelRemovalResult(null, 2, 2), result);
        Assert.False(Directory.Exists(Path.Combine(store.Root, "acme")));
        Assert.Equal(["other/big-GGUF"], store.DiskUsage().Select(u => u.Repo.ToString()));
        Assert.Equal(["other/big-GGUF/x.gguf"], await RowIdsAsync(app));
    }

    [Theory]
    [BothProviders]
    public async Task The_model_the_engine_is_answering_with_is_refused_with_a_reason_and_keeps_its_files_and_rows(DataProvider provider)
    {
        await using var hub = await FakeHubFixture.StartAsync();
        await using var app = await AppServicesHost.StartAsync(provider);
        var store = hub.Services().GetRequiredService<ModelStore>();
        var loaded = await InstallAsync(app, store, "acme/tiny-GGUF", "a.gguf");
        var engine = FixedStatusEngine.Answering(loaded);

        var result = await Removal(hub, app, engine).DeleteRepositoryAsync(Admin, "acme/tiny-GGUF");

        Assert.False(result.Removed);
        Assert.Contains("answering 1 request", result.Problem, StringComparison.Ordinal);
        Assert.Equal(EngineState.Ready, engine.Status.State);
        Assert.True(File.Exists(loaded));
        Assert.Equal(["acme/tiny-GGUF/a.gguf"], await RowIdsAsync(app));
    }

    [Theory]
    [BothProviders]
    public async Task The_loaded_model_when_idle_is_unloaded_first_then_deleted(DataProvider provider)
    {
        await using var hub = await FakeHubFixture.StartAsync();
        await using var app = await AppServicesHost.StartAsync(provider);
        var store = hub.Services().GetRequiredService<ModelStore>();
        var loaded = await InstallAsync(app, store, "acme/tiny-GGUF", "a.gguf");
        var engine = FixedStatusEngine.Serving(loaded);

        var result = await Removal(hub, app, engine).DeleteRepositoryAsync(Admin, "acme/tiny-GGUF");

        Assert.True(result.Removed, result.Problem);
        Assert.Equal(EngineState.Empty, engine.Status.State);
        Assert.False(File.Exists(loaded));
        Assert.Empty(await RowIdsAsync(app));
    }

    [Theory]
    [BothProviders]
    public async Task A_model_still_downloading_is_refused(DataProvider provider)
    {
        var repo = FakeHubServices.RepoWithRandomFile("acme/slow-GGUF", "s.gguf", 2_000_000);
        await using var hub = await FakeHubFixture.StartAsync(repo);
        await using var app = await AppServicesHost.StartAsync(provider);
        hub.Hub.Faults.BandwidthBytesPerSecond = 100_000;
        var services = hub.Services();
        var job = services.GetRequiredService<DownloadManager>().Start(RepoId.Parse("acme/slow-GGUF"), "s.gguf");

        var result = await Library(services, app, FixedStatusEngine.Empty).DeleteRepositoryAsync(Admin, "acme/slow-GGUF");
        job.Cancel();

        Assert.Contains("download", result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("acme")]
    public async Task A_name_that_is_not_owner_slash_name_is_refused_and_deletes_nothing(string name)
    {
        await using var hub = await FakeHubFixture.StartAsync();
        await using var app = await AppServicesHost.StartAsync();
        var store = hub.Services().GetRequiredService<ModelStore>();
        await InstallAsync(app, store, "acme/tiny-GGUF", "a.gguf");

        var result = await Removal(hub, app, FixedStatusEngine.Empty).DeleteRepositoryAsync(Admin, name);

        Assert.NotNull(result.Problem);
        Assert.Single(store.ListInstalled());
    }

    private static readonly ClaimsPrincipal Admin = ModelPermissions.ServerOperator;

    private static ModelLibrary Removal(FakeHubFixture hub, AppServicesHost app, FixedStatusEngine engine) => Library(hub.Services(), app, engine);

    // Importing is not what these tests are about: the library gets no importer.
    private static ModelLibrary Library(IServiceProvider hubServices, AppServicesHost app, FixedStatusEngine engine) =>
        new(DbFactory(app), engine, hubServices.GetRequiredService<ModelStore>(), hubServices.GetRequiredService<DownloadManager>(), importer: null!);

    private static IDbContextFactory<WebChatDbContext> DbFactory(AppServicesHost app) => app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();

    /// <summary>Writes the files into the store and records them as the pull command does; returns the last file's path.</summary>
    private static async Task<string> InstallAsync(AppServicesHost app, ModelStore store, string repo, params string[] files)
    {
        await using var db = await DbFactory(app).CreateDbContextAsync();
        var path = "";
        foreach (var file in files)
        {
            path = store.PathFor(RepoId.Parse(repo), file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, new byte[64]);
            db.InstalledModels.Add(new InstalledModel
            {
                Id = $"{repo}/{file}", Repo = repo, FileName = file, RelativePath = $"{repo}/{file}", SizeBytes = 64, Source = ModelSource.Hub,
                Copies = [new ModelCopy { ModelId = $"{repo}/{file}", Node = db.Node }],
            });
        }

        await db.SaveChangesAsync();
        return path;
    }

    private static async Task<List<string>> RowIdsAsync(AppServicesHost app)
    {
        await using var db = await DbFactory(app).CreateDbContextAsync();
        return await db.InstalledModels.OrderBy(m => m.Id).Select(m => m.Id).ToListAsync();
    }
}
