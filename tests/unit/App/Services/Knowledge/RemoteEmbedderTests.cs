using System.Net;
using System.Net.Sockets;
using System.Text;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Search;
using WebChat.Services.Serving.Engines;
using static WebChat.Tests.Unit.App.Services.Knowledge.KnowledgeTestHarness;

namespace WebChat.Tests.Unit.App.Services.Knowledge;

/// <summary>A remote engine's model as an embedder when the engine is gone or down (a working one: tests/e2e RemoteEmbedderTests).</summary>
public class RemoteEmbedderTests
{
    // A port nothing listens on: bound, read, released.
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static RemoteEngineState Engine(string name, int port) =>
        new(null, name, $"http://127.0.0.1:{port}/v1", EngineKinds.OpenAi, null, fromConfiguration: true, TimeSpan.FromSeconds(5));

    [Fact]
    public async Task An_engine_that_cannot_be_reached_gives_a_message_naming_the_embedder_and_the_cause()
    {
        var embedder = new RemoteEmbedder("gpu/bge-small", () => [Engine("gpu", ClosedPort())]);

        var error = await Assert.ThrowsAsync<KnowledgeException>(() => embedder.EmbedAsync(["hello"]));

        Assert.Contains("\"gpu/bge-small\" is unavailable: the engine could not be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was deleted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_whose_engine_is_not_configured_resolves_but_says_the_engine_is_missing_and_its_collection_waits_while_others_are_re_indexed()
    {
        var source = new RemoteEmbedderSource(() => []);
        await using var harness = await StartAsync(moreEmbedders: [new HashingEmbedder()], sources: _ => [source]);
        var collection = await harness.Service.CreateAsync(TeamAdmin, "handbook", CollectionScope.Team);
        await harness.Service.AddDocumentAsync(TeamAdmin, collection.Id, "vault.md", Encoding.UTF8.GetBytes("# Vault\n\nThe vault combination is 73-19-44."));
        await harness.IngestAllAsync();

        // Moving to it is refused with the reason, before anything changes.
        var refused = await Assert.ThrowsAsync<KnowledgeException>(() => harness.Service.ChangeEmbedderAsync(TeamAdmin, collection.Id, "gpu/bge-small"));
        Assert.Contains("no remote engine of that name is configured", refused.Message, StringComparison.Ordinal);
        Assert.Equal(MiniLmEmbedder.EmbedderName, Assert.Single(await harness.Service.ListAsync(TeamAdmin)).Embedder);

        // A collection already on it (the engine removed since): the name still resolves, so the reindexer does not
        // move it to the default; a search says why it cannot embed the question.
        await using (var db = await harness.Db.CreateDbContextAsync())
        {
            (await db.KnowledgeCollections.FindAsync(collection.Id))!.Embedder = "gpu/bge-small";
            await db.SaveChangesAsync();
        }

        // Another collection moved at the same time is re-indexed all the same: the unavailable one is passed over.
        var other = await harness.Service.CreateAsync(TeamAdmin, "other", CollectionScope.Team);
        await harness.Service.AddDocumentAsync(TeamAdmin, other.Id, "lunch.md", Encoding.UTF8.GetBytes("# Lunch\n\nThe canteen serves soup on Fridays."));
        await harness.IngestAllAsync();
        await harness.Service.ChangeEmbedderAsync(TeamAdmin, other.Id, "hash-64");

        Assert.True(harness.Embedders.Has("gpu/bge-small"));
        Assert.Equal(1, await harness.Reindexer.RunUntilDoneAsync());
        var views = await harness.Service.ListAsync(TeamAdmin);
        var waiting = Assert.Single(views, v => v.Id == collection.Id);
        Assert.Equal(("gpu/bge-small", 1), (waiting.Embedder, waiting.PassagesToReindex));
        Assert.Equal(("hash-64", 0), Assert.Single(views, v => v.Id == other.Id) is var done ? (done.Embedder, done.PassagesToReindex) : default);
        var error = await Assert.ThrowsAsync<KnowledgeException>(() => harness.Service.SearchAsync(TeamAdmin, [collection.Id], "vault", 5, SearchMode.Hybrid));
        Assert.Contains("gpu/bge-small", error.Message, StringComparison.Ordinal);
    }
}
