using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Catalog;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;
using WebChat.Services.Models;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Postgres;
using WebChat.Tests.Unit.App.Services.Admin;
using WebChat.Tests.Unit.Engine.Hub;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>
/// Two app nodes on one PostgreSQL database, each with its own models folder: a node lists and serves the files it
/// holds, the Library says which node holds which, and a model's shared row lives while any node holds its file.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ModelCopiesAcrossNodesTests(PostgresFixture postgres)
{
    private const string File = "tiny.gguf";
    private static readonly RepoId Repo = RepoId.Parse("acme/tiny-GGUF");
    private static readonly ClaimsPrincipal Admin = ModelPermissions.ServerOperator;

    [PostgresFact]
    public async Task A_model_installed_on_one_node_is_listed_there_shown_as_elsewhere_on_the_other_and_kept_while_any_node_holds_it()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        await using var nodeA = await Node.StartAsync(database, "node-a");
        await using var nodeB = await Node.StartAsync(database, "node-b");

        var id = await nodeA.InstallAsync();
        Assert.Equal(["node-a"], Assert.Single(await nodeA.Library.ListAsync()).Nodes);
        Assert.Empty(await nodeA.Library.ElsewhereAsync());
        Assert.Empty(await nodeB.Library.ListAsync());
        var elsewhere = Assert.Single(await nodeB.Library.ElsewhereAsync());
        Assert.Equal(id, elsewhere.Id);
        Assert.Equal(["node-a"], elsewhere.Nodes);

        await nodeB.InstallAsync();
        Assert.Equal(["node-a", "node-b"], Assert.Single(await nodeA.Library.ListAsync()).Nodes);
        Assert.Empty(await nodeB.Library.ElsewhereAsync());

        await nodeA.Library.DeleteAsync(Admin, id);
        Assert.Empty(await nodeA.Library.ListAsync());
        Assert.False(System.IO.File.Exists(nodeA.PathOfModel));
        Assert.Equal(["node-b"], Assert.Single(await nodeB.Library.ListAsync()).Nodes);
        Assert.True(System.IO.File.Exists(nodeB.PathOfModel));

        await nodeB.Library.DeleteAsync(Admin, id);
        await using var db = nodeA.Db.CreateDbContext();
        Assert.Equal(0, await db.InstalledModels.IgnoreQueryFilters().CountAsync());
        Assert.Equal(0, await db.ModelCopies.CountAsync());
    }

    [PostgresFact]
    public async Task At_start_a_node_records_its_copy_of_a_file_already_in_its_folder_and_takes_downloads_no_node_owns()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        await using var nodeA = await Node.StartAsync(database, "node-a");
        await using var nodeB = await Node.StartAsync(database, "node-b");
        var id = await nodeA.InstallAsync();
        await using (var db = nodeA.Db.CreateDbContext())
        {
            // As a copy from a SQLite node written before nodes were named leaves it.
            db.Downloads.Add(new Download { Repo = Repo.ToString(), Revision = "main", FileName = File, State = DownloadState.Completed });
            await db.SaveChangesAsync();
        }

        // The file reaches node B's folder outside the app (rsync, a restored backup).
        nodeB.WriteModelFile();
        await using (var db = nodeB.Db.CreateDbContext())
        {
            Assert.Empty(await db.Downloads.ToListAsync());
            await ModelCopyRows.RecordPresentAsync(db, nodeB.Store.Root, singleNode: false, CancellationToken.None);
            Assert.Equal("node-b", (await db.Downloads.SingleAsync()).Node);
        }

        Assert.Equal(["node-a", "node-b"], Assert.Single(await nodeB.Library.ListAsync()).Nodes);
        Assert.Equal(id, Assert.Single(await nodeA.Library.ListAsync()).Id);
    }

    /// <summary>One app node: its services on the shared database, its own models folder (a fake Hub fixture's store).</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly AppServicesHost app;
        private readonly FakeHubFixture hub;

        private Node(AppServicesHost app, FakeHubFixture hub)
        {
            this.app = app;
            this.hub = hub;
            Store = hub.Services().GetRequiredService<ModelStore>();
            Library = new ModelLibrary(Db, FixedStatusEngine.Empty, Store, hub.Services().GetRequiredService<DownloadManager>(), importer: null!);
        }

        public ModelStore Store { get; }

        public ModelLibrary Library { get; }

        public IDbContextFactory<WebChatDbContext> Db => app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();

        public string PathOfModel => Store.PathFor(Repo, File);

        public static async Task<Node> StartAsync(string database, string name) => new(
            await AppServicesHost.StartAsync(("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", database), ("WebChat:NodeName", name)),
            await FakeHubFixture.StartAsync());

        /// <summary>Writes the file into this node's folder and records it as an import is recorded; returns the model's id.</summary>
        public async Task<string> InstallAsync()
        {
            WriteModelFile();
            var descriptor = new ModelDescriptor { Architecture = "llama", SizeLabel = "1M", Quantization = "F32" };
            var file = new InstalledModelFile(Repo, File, PathOfModel, 64, DateTimeOffset.UtcNow);
            return (await new InstalledModelRecorder(Db, Store).RecordImportAsync(file, descriptor)).Id;
        }

        public void WriteModelFile()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(PathOfModel)!);
            System.IO.File.WriteAllBytes(PathOfModel, new byte[64]);
        }

        public async ValueTask DisposeAsync()
        {
            await app.DisposeAsync();
            await hub.DisposeAsync();
        }
    }
}
