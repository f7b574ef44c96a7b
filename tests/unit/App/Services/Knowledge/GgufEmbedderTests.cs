using System.Numerics.Tensors;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Engine.Inference.Native;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Search;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Unit.Engine.Inference;
using static WebChat.Tests.Unit.App.Services.Knowledge.KnowledgeTestHarness;

namespace WebChat.Tests.Unit.App.Services.Knowledge;

/// <summary>A GGUF model of the Library as an embedder: real LLamaSharp on the generated tiny model (n_embd 64).</summary>
[Collection(RealModelCollection.Name)]
public class GgufEmbedderTests
{
    private const string ModelId = "local/webchat-tiny.gguf";
    private const string Vault = "# Vault\n\nThe vault combination is 73-19-44.\n\n# Lunch\n\nLunch is served in the canteen from noon.";

    private static NativeLibrarySelection Native() => NativeLibrarySelection.Create(new InferenceOptions(), NullLoggerFactory.Instance);

    // The row the Library keeps for an installed model; its relative path is the generated file's absolute one here.
    private static async Task InstallAsync(IDbContextFactory<WebChatDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        db.InstalledModels.Add(new InstalledModel { Id = ModelId, FileName = "webchat-tiny.gguf", RelativePath = TestModels.Tiny, SizeBytes = new FileInfo(TestModels.Tiny).Length, Source = ModelSource.Import });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task The_tiny_model_gives_unit_vectors_of_its_embedding_width_the_same_for_the_same_text_and_different_for_another()
    {
        using var embedder = new GgufEmbedder(GgufEmbedderSource.NameOf(ModelId), ModelId, _ => Task.FromResult<string?>(TestModels.Tiny), Native(), threads: 1);
        Assert.Equal(0, embedder.Dimensions); // nothing loaded before the first text

        var vectors = await embedder.EmbedAsync(["The vault combination is 73-19-44.", "Lunch is served in the canteen from noon.", "The vault combination is 73-19-44."]);

        Assert.True(embedder.IsLoaded);
        Assert.Equal(TestModels.TinySpec.EmbeddingLength, embedder.Dimensions);
        Assert.All(vectors, v => Assert.Equal(TestModels.TinySpec.EmbeddingLength, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, TensorPrimitives.Norm(v), 3));
        Assert.Equal(vectors[0], vectors[2]);
        Assert.True(TensorPrimitives.CosineSimilarity(vectors[0], vectors[1]) < 0.9999f, "two different texts got the same vector");
        var again = await embedder.EmbedAsync(["The vault combination is 73-19-44."]);
        Assert.Equal(vectors[0], again[0]);
    }

    [Fact]
    public async Task A_passage_longer_than_the_models_context_is_cut_to_fit_rather_than_failing()
    {
        using var embedder = new GgufEmbedder("gguf:tiny", ModelId, _ => Task.FromResult<string?>(TestModels.Tiny), Native(), threads: 1);
        var longText = string.Join(' ', Enumerable.Repeat("combination", 2000)); // far beyond the tiny model's 512 tokens

        var vector = Assert.Single(await embedder.EmbedAsync([longText]));

        Assert.Equal(1.0, TensorPrimitives.Norm(vector), 3);
    }

    [Fact]
    public async Task A_collection_moved_to_a_gguf_embedder_is_re_indexed_and_searched_with_it_and_a_deleted_model_gives_a_message_and_loses_nothing()
    {
        GgufEmbedderSource? source = null;
        await using var harness = await StartAsync(sources: db => [source = new GgufEmbedderSource(db, relative => relative, Native(), threads: 1)]);
        using var owned = source!;
        await InstallAsync(harness.Db);
        var name = GgufEmbedderSource.NameOf(ModelId);
        Assert.Contains(await harness.Embedders.ChoicesAsync(), c => c.Name == name);
        var collection = await harness.Service.CreateAsync(TeamAdmin, "handbook", CollectionScope.Team);
        await harness.Service.AddDocumentAsync(TeamAdmin, collection.Id, "vault.md", Encoding.UTF8.GetBytes(Vault));
        await harness.IngestAllAsync();

        // Only an admin moves a collection to a model that takes memory beside the chat's.
        await Assert.ThrowsAsync<KnowledgeException>(() => harness.Service.ChangeEmbedderAsync(Alice, collection.Id, name));
        await harness.Service.ChangeEmbedderAsync(TeamAdmin, collection.Id, name);

        Assert.Equal((name, 2), Assert.Single(await harness.Service.ListAsync(TeamAdmin)) is var moving ? (moving.Embedder, moving.PassagesToReindex) : default);
        Assert.Equal(2, await harness.Reindexer.RunUntilDoneAsync());
        await using (var db = await harness.Db.CreateDbContextAsync())
        {
            var stored = await db.KnowledgeChunks.Where(c => c.CollectionId == collection.Id).Select(c => new { c.Embedder, Bytes = c.Vector.Length }).ToListAsync();
            Assert.All(stored, s => Assert.Equal((name, 64 * sizeof(float)), (s.Embedder, s.Bytes)));
            Assert.Equal(64, (await db.KnowledgeCollections.SingleAsync(c => c.Id == collection.Id)).Dimensions);
        }

        // A question worded exactly as a passage meets that passage's own vector (cosine 1) first: the tiny model's
        // weights are random, so only an identical text proves the question went through the same model.
        var hit = Assert.Single(await harness.Service.SearchAsync(TeamAdmin, [collection.Id], "Lunch\nLunch is served in the canteen from noon.", 1, SearchMode.Vector));
        Assert.Contains("canteen", hit.Text, StringComparison.Ordinal);
        hit = Assert.Single(await harness.Service.SearchAsync(TeamAdmin, [collection.Id], "Vault\nThe vault combination is 73-19-44.", 1, SearchMode.Vector));
        Assert.Contains("73-19-44", hit.Text, StringComparison.Ordinal);

        // The model leaves the Library; a restarted server says so and keeps the collection, its passages and vectors.
        await using (var db = await harness.Db.CreateDbContextAsync())
        {
            await db.InstalledModels.Where(m => m.Id == ModelId).ExecuteDeleteAsync();
        }

        GgufEmbedderSource? after = null;
        await using var restarted = await StartOnAsync(harness, db => [after = new GgufEmbedderSource(db, relative => relative, Native(), threads: 1)]);
        using var ownedAfter = after!;
        var error = await Assert.ThrowsAsync<KnowledgeException>(() => restarted.Service.SearchAsync(TeamAdmin, [collection.Id], "vault", 5));
        Assert.Contains("not in the Library any more", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await restarted.Reindexer.RunUntilDoneAsync());
        Assert.Equal((name, 0), Assert.Single(await restarted.Service.ListAsync(TeamAdmin)) is var kept ? (kept.Embedder, kept.PassagesToReindex) : default);
        var other = await restarted.Service.CreateAsync(TeamAdmin, "other", CollectionScope.Team);
        var refused = await Assert.ThrowsAsync<KnowledgeException>(() => restarted.Service.ChangeEmbedderAsync(TeamAdmin, other.Id, name));
        Assert.Contains("not in the Library any more", refused.Message, StringComparison.Ordinal);
        Assert.Equal(MiniLmEmbedder.EmbedderName, Assert.Single(await restarted.Service.ListAsync(TeamAdmin), c => c.Id == other.Id).Embedder);
    }

    [Fact]
    public async Task The_default_embedder_for_new_collections_is_the_admins_choice_kept_in_the_database()
    {
        GgufEmbedderSource? source = null;
        await using var harness = await StartAsync(sources: db => [source = new GgufEmbedderSource(db, relative => relative, Native(), threads: 1)]);
        using var owned = source!;
        await InstallAsync(harness.Db);
        var name = GgufEmbedderSource.NameOf(ModelId);

        await harness.Embedders.SetDefaultAsync(name);

        // Another server on the same database (a restart, or another node) reads the same choice.
        await using var restarted = await StartOnAsync(harness, db => [new GgufEmbedderSource(db, relative => relative)]);
        Assert.Equal(name, (await restarted.Embedders.DefaultAsync()).Name);
        var created = await harness.Service.CreateAsync(TeamAdmin, "new", CollectionScope.Team);
        Assert.Equal(name, created.Embedder);
        await harness.Embedders.SetDefaultAsync(MiniLmEmbedder.EmbedderName);
        Assert.Equal(MiniLmEmbedder.EmbedderName, (await restarted.Embedders.DefaultAsync()).Name);
        await Assert.ThrowsAsync<KnowledgeException>(() => harness.Embedders.SetDefaultAsync("gguf:local/missing.gguf"));
        Assert.Equal(MiniLmEmbedder.EmbedderName, (await harness.Embedders.DefaultAsync()).Name);

        // The source frees the model it loaded when the application's container disposes it at shutdown.
        var loaded = Assert.IsType<GgufEmbedder>(harness.Embedders.Get(name));
        Assert.True(loaded.IsLoaded);
        source!.Dispose();
        Assert.False(loaded.IsLoaded);
    }
}
