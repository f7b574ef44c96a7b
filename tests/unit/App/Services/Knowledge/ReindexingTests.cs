using System.Text;
using Microsoft.EntityFrameworkCore;
using WebChat.Data.Entities;
using WebChat.Services.Chat;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Search;
using static WebChat.Tests.Unit.App.Services.Knowledge.KnowledgeTestHarness;

namespace WebChat.Tests.Unit.App.Services.Knowledge;

/// <summary>Moving a collection to another embedder, and vectors leaving memory when what they belong to is deleted.</summary>
public class ReindexingTests
{
    private const string Vault = "# Vault\n\nThe vault combination is 73-19-44.\n\n# Lunch\n\nLunch is served in the canteen from noon.";

    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    [Fact]
    public async Task Changing_a_collections_embedder_re_embeds_every_passage_in_the_background_and_vector_search_never_mixes_the_two_models()
    {
        var hashing = new HashingEmbedder();
        await using var harness = await StartAsync(moreEmbedders: [hashing]);
        var collection = await harness.Service.CreateAsync(Alice, "notes", CollectionScope.Private);
        await harness.Service.AddDocumentAsync(Alice, collection.Id, "vault.md", Text(Vault));
        await harness.IngestAllAsync();
        Assert.NotEmpty(await harness.Service.SearchAsync(Alice, [collection.Id], "vault combination", 5, SearchMode.Vector));
        var passages = (int)harness.Vectors.LoadedVectors;
        Assert.Equal(2, passages);

        await harness.Service.ChangeEmbedderAsync(Alice, collection.Id, "hash-64");

        // Says so, and until re-embedded a passage is found by its words only: no 384-long vector meets a 64-long question.
        var moving = Assert.Single(await harness.Service.ListAsync(Alice));
        Assert.Equal(("hash-64", passages), (moving.Embedder, moving.PassagesToReindex));
        Assert.Empty(await harness.Service.SearchAsync(Alice, [collection.Id], "vault combination", 5, SearchMode.Vector));
        Assert.Contains("73-19-44", Assert.Single(await harness.Service.SearchAsync(Alice, [collection.Id], "vault combination", 5, SearchMode.Keyword)).Text, StringComparison.Ordinal);

        Assert.Equal(passages, await harness.Reindexer.RunUntilDoneAsync());

        Assert.Equal(0, Assert.Single(await harness.Service.ListAsync(Alice)).PassagesToReindex);
        await using (var db = await harness.Db.CreateDbContextAsync())
        {
            var stored = await db.KnowledgeChunks.Where(c => c.CollectionId == collection.Id).Select(c => new { c.Embedder, Bytes = c.Vector.Length }).ToListAsync();
            Assert.All(stored, s => Assert.Equal(("hash-64", 64 * sizeof(float)), (s.Embedder, s.Bytes)));
        }

        var embeddedBefore = hashing.Texts;
        var found = await harness.Service.SearchAsync(Alice, [collection.Id], "vault combination", 1, SearchMode.Vector);
        Assert.Contains("73-19-44", Assert.Single(found).Text, StringComparison.Ordinal);
        Assert.Equal(embeddedBefore + 1, hashing.Texts); // the question went through the new embedder
        Assert.Equal(passages, harness.Vectors.LoadedVectors);
        Assert.Equal(0, await harness.Reindexer.RunUntilDoneAsync());
    }

    [Fact]
    public async Task A_collection_whose_embedder_the_server_no_longer_has_moves_to_the_default_one_and_is_searchable_again()
    {
        await using var before = await StartAsync(moreEmbedders: [new HashingEmbedder()]);
        var collection = await before.Service.CreateAsync(Alice, "notes", CollectionScope.Private);
        await before.Service.ChangeEmbedderAsync(Alice, collection.Id, "hash-64");
        await before.Service.AddDocumentAsync(Alice, collection.Id, "vault.md", Text(Vault));
        await before.IngestAllAsync();

        // The same database on a server with only the default embedder (the other was removed from its configuration).
        await using var after = await StartOnAsync(before);
        await Assert.ThrowsAsync<KnowledgeException>(() => after.Service.SearchAsync(Alice, [collection.Id], "vault combination", 5));

        Assert.Equal(2, await after.Reindexer.RunUntilDoneAsync());

        Assert.Equal((MiniLmEmbedder.EmbedderName, 0), Assert.Single(await after.Service.ListAsync(Alice)) is var v ? (v.Embedder, v.PassagesToReindex) : default);
        var hit = (await after.Service.SearchAsync(Alice, [collection.Id], "what opens the safe", 1, SearchMode.Vector)).Single();
        Assert.Contains("73-19-44", hit.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_conversation_takes_its_attached_files_vectors_out_of_memory()
    {
        await using var harness = await StartAsync();
        var chat = await harness.NewConversationAsync("alice");
        await harness.Conversations.AttachAsync(Alice, chat, "vault.md", Text(Vault));
        var other = await harness.NewConversationAsync("alice");
        await harness.Conversations.AttachAsync(Alice, other, "lunch.md", Text("# Lunch\n\nThe canteen serves soup on Fridays."));
        await harness.IngestAllAsync();
        Assert.NotNull(await harness.Conversations.RetrieveAsync(Alice, chat, "vault combination", 4096, 512));
        Assert.NotNull(await harness.Conversations.RetrieveAsync(Alice, other, "soup", 4096, 512));
        var files = Assert.Single(await harness.Conversations.PickedAsync("alice", chat));
        Assert.Equal(3, harness.Vectors.LoadedVectors);

        await new ConversationService(harness.Db, new GenerationRegistry(), vectors: harness.Vectors).DeleteAsync("alice", chat);

        Assert.False(harness.Vectors.IsLoaded(files));
        Assert.Equal(1, harness.Vectors.LoadedVectors);
        await using var db = await harness.Db.CreateDbContextAsync();
        Assert.False(await db.KnowledgeChunks.AnyAsync(c => c.CollectionId == files));
    }

    [Fact]
    public async Task Deleting_a_file_takes_its_vectors_out_of_memory_and_collections_removed_by_cascade_are_forgotten_by_the_sweep()
    {
        await using var harness = await StartAsync();
        var notes = await harness.Service.CreateAsync(Alice, "notes", CollectionScope.Private);
        var vault = await harness.Service.AddDocumentAsync(Alice, notes.Id, "vault.md", Text(Vault));
        await harness.Service.AddDocumentAsync(Alice, notes.Id, "lunch.md", Text("# Lunch\n\nThe canteen serves soup on Fridays."));
        var bobs = await harness.Service.CreateAsync(Bob, "bobs", CollectionScope.Private);
        await harness.Service.AddDocumentAsync(Bob, bobs.Id, "garage.md", Text("# Parking\n\nVisitors park on level 3."));
        await harness.IngestAllAsync();
        await harness.Service.SearchAsync(Alice, [notes.Id], "canteen", 5);
        await harness.Service.SearchAsync(Bob, [bobs.Id], "parking", 5);
        Assert.Equal(4, harness.Vectors.LoadedVectors);

        await harness.Service.DeleteDocumentAsync(Alice, vault.Id);
        Assert.Equal(2, harness.Vectors.LoadedVectors);

        // Bob's account goes; the database removes his collection by cascade, which only the sweep can notice.
        await using (var db = await harness.Db.CreateDbContextAsync())
        {
            await db.Users.Where(u => u.Id == "bob").ExecuteDeleteAsync();
        }

        Assert.Equal(1, await harness.Vectors.ForgetDeletedAsync());
        Assert.False(harness.Vectors.IsLoaded(bobs.Id));
        Assert.Equal(1, harness.Vectors.LoadedVectors);
    }

    [Fact]
    public void A_vector_of_another_length_is_refused_by_a_collections_snapshot()
    {
        var snapshot = VectorSnapshot.Empty("minilm-l6-v2").With(Guid.NewGuid(), [(1L, new float[384])]);

        Assert.Throws<InvalidOperationException>(() => snapshot.With(Guid.NewGuid(), [(2L, new float[64])]));
    }
}
