using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge.Search;
using static WebChat.Tests.Unit.App.Services.Knowledge.KnowledgeTestHarness;

namespace WebChat.Tests.Unit.App.Services.Knowledge;

/// <summary>SQLite's keyword search (<see cref="SqliteKeywordSearch"/>) on a real FTS5 index, through the app's migrations.</summary>
public class KeywordSearchTests
{
    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    [Fact]
    public async Task Filtering_by_collection_inside_the_index_and_after_ranking_give_the_same_passages_and_scores()
    {
        await using var harness = await StartAsync();
        var large = await harness.Service.CreateAsync(Alice, "large", CollectionScope.Private);
        var small = await harness.Service.CreateAsync(Alice, "small", CollectionScope.Private);
        for (var i = 0; i < 8; i++)
        {
            var state = i % 3 == 0 ? "shows rust near its hook" : "has fresh paint";
            await harness.Service.AddDocumentAsync(Alice, large.Id, $"large-{i}.md", Text($"# Part {i}\n\nHarbour crane {i} lifts {i * 10} tonnes and {state}."));
        }

        await harness.Service.AddDocumentAsync(Alice, small.Id, "small.md", Text("# Ours\n\nOur own crane lifts 5 tonnes and shows rust on its boom."));
        await harness.IngestAllAsync();
        var search = new SqliteKeywordSearch();

        await using var db = await harness.Db.CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        foreach (var collection in new[] { large.Id, small.Id })
        {
            var insideIndex = await search.SearchAsync(connection, [collection], "where does the crane show rust", 10, rankFirst: false, CancellationToken.None);
            var afterRanking = await search.SearchAsync(connection, [collection], "where does the crane show rust", 10, rankFirst: true, CancellationToken.None);

            Assert.NotEmpty(insideIndex);
            Assert.Equal(afterRanking, insideIndex);
            var ids = insideIndex.Select(h => h.ChunkId).ToList();
            Assert.Equal(ids.Count, await db.KnowledgeChunks.CountAsync(c => ids.Contains(c.Id) && c.CollectionId == collection));
        }
    }

    [Fact]
    public async Task A_question_word_in_more_than_half_of_all_passages_is_left_out_of_the_keyword_search()
    {
        await using var harness = await StartAsync();
        var collection = await harness.Service.CreateAsync(Alice, "policies", CollectionScope.Private);
        string[] topics = ["travel", "refunds", "laptops", "parking", "visitors"];
        foreach (var topic in topics)
        {
            await harness.Service.AddDocumentAsync(Alice, collection.Id, topic + ".md", Text($"# {topic}\n\nThe company policy on {topic} was last reviewed in spring."));
        }

        await harness.IngestAllAsync();

        // "policy" and "company" are in every passage: alone they find nothing, and beside "parking" they change nothing.
        Assert.Empty(await harness.Search.SearchAsync([collection.Id], "company policy", 5, SearchMode.Keyword));
        var withCommonWords = await harness.Search.SearchAsync([collection.Id], "company policy parking", 5, SearchMode.Keyword);
        var alone = await harness.Search.SearchAsync([collection.Id], "parking", 5, SearchMode.Keyword);
        Assert.Equal("parking.md", Assert.Single(withCommonWords).FileName);
        Assert.Equal(alone.Select(h => (h.ChunkId, h.Score)), withCommonWords.Select(h => (h.ChunkId, h.Score)));
    }

    [Fact]
    public async Task The_migration_that_adds_collections_to_the_keyword_index_rebuilds_it_from_the_passages_stored_before()
    {
        var file = Path.Combine(Path.GetTempPath(), "webchat-knowledge-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var options = new DbContextOptionsBuilder<WebChatDbContext>().UseSqlite(new SqliteConnectionStringBuilder { DataSource = file }.ToString()).Options;
        var mine = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        await using (var before = new WebChatDbContext(options))
        {
            await before.GetService<IMigrator>().MigrateAsync("AddPassageEmbedder");
            before.Users.Add(new ApplicationUser { Id = "alice", UserName = "alice" });
            foreach (var (id, text) in new[] { (mine, "The lighthouse keeper logs the fog horn every night."), (theirs, "The lighthouse is closed to visitors in winter.") })
            {
                var document = new KnowledgeDocument { CollectionId = id, FileName = "notes.md", Sha256 = "", UploadedById = "alice", Status = IngestionStatus.Ready, ChunkCount = 1 };
                before.KnowledgeCollections.Add(new KnowledgeCollection { Id = id, Name = id.ToString(), OwnerId = "alice", Embedder = SharedEmbedder.Name, Dimensions = SharedEmbedder.Dimensions, Documents = [document] });
                before.KnowledgeChunks.Add(new KnowledgeChunk { DocumentId = document.Id, CollectionId = id, Text = text, Vector = [], Embedder = SharedEmbedder.Name });
            }

            await before.SaveChangesAsync();
        }

        try
        {
            await using var harness = await StartAsync(database: new Factory(options));

            var hit = Assert.Single(await harness.Search.SearchAsync([mine], "lighthouse fog", 5, SearchMode.Keyword));
            Assert.Equal(mine, hit.CollectionId);
            Assert.Equal(theirs, Assert.Single(await harness.Search.SearchAsync([theirs], "lighthouse in winter", 5, SearchMode.Keyword)).CollectionId);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    private sealed class Factory(DbContextOptions<WebChatDbContext> options) : IDbContextFactory<WebChatDbContext>
    {
        public WebChatDbContext CreateDbContext() => new(options);
    }
}
