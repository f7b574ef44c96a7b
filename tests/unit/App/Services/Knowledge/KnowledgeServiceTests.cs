using System.Text;
using Microsoft.EntityFrameworkCore;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;
using WebChat.Tests.Support.Documents;
using static WebChat.Tests.Unit.App.Services.Knowledge.KnowledgeTestHarness;

namespace WebChat.Tests.Unit.App.Services.Knowledge;

public class KnowledgeServiceTests
{
    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    [Fact]
    public async Task A_private_collection_is_neither_listed_nor_searchable_nor_readable_by_another_user()
    {
        await using var harness = await StartAsync();
        var mine = await harness.Service.CreateAsync(Alice, "alice-notes", CollectionScope.Private);
        await harness.Service.AddDocumentAsync(Alice, mine.Id, "notes.md", Text("# Vault\n\nThe vault combination is 73-19-44."));
        await harness.IngestAllAsync();

        Assert.DoesNotContain(await harness.Service.ListAsync(Bob), c => c.Id == mine.Id);
        Assert.Empty(await harness.Service.SearchAsync(Bob, [mine.Id], "vault combination", 5));
        await Assert.ThrowsAsync<KnowledgeException>(() => harness.Service.ListDocumentsAsync(Bob, mine.Id));
        await Assert.ThrowsAsync<KnowledgeException>(() => harness.Service.AddDocumentAsync(Bob, mine.Id, "x.txt", Text("x")));

        var own = Assert.Single(await harness.Service.SearchAsync(Alice, [mine.Id], "vault combination", 5));
        Assert.Contains("73-19-44", own.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shared_collection_is_found_by_another_user_who_cannot_change_it()
    {
        await using var harness = await StartAsync();
        var shared = await harness.Service.CreateAsync(Alice, "handbook", CollectionScope.Shared);
        await harness.Service.AddDocumentAsync(Alice, shared.Id, "leave.md", Text("# Leave\n\nEvery employee gets 27 days of paid leave."));
        await harness.IngestAllAsync();

        var listed = Assert.Single(await harness.Service.ListAsync(Bob), c => c.Id == shared.Id);
        Assert.False(listed.CanChange);
        Assert.Contains("27 days", Assert.Single(await harness.Service.SearchAsync(Bob, [shared.Id], "how much holiday do I get", 5)).Text, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<KnowledgeException>(() => harness.Service.AddDocumentAsync(Bob, shared.Id, "mine.txt", Text("x")));
        Assert.Contains("owner", refused.Message, StringComparison.Ordinal);

        await harness.Service.SetSharedAsync(Alice, shared.Id, shared: false);
        Assert.Empty(await harness.Service.SearchAsync(Bob, [shared.Id], "paid leave", 5));
    }

    [Fact]
    public async Task Only_an_admin_makes_or_changes_a_team_collection_and_everyone_reads_it()
    {
        await using var harness = await StartAsync();
        await Assert.ThrowsAsync<KnowledgeException>(() => harness.Service.CreateAsync(Alice, "team", CollectionScope.Team));

        var team = await harness.Service.CreateAsync(TeamAdmin, "team", CollectionScope.Team);

        Assert.Contains(await harness.Service.ListAsync(Bob), c => c.Id == team.Id && !c.CanChange);
        await Assert.ThrowsAsync<KnowledgeException>(() => harness.Service.DeleteCollectionAsync(Bob, team.Id));
        await harness.Service.DeleteCollectionAsync(TeamAdmin, team.Id);
        Assert.DoesNotContain(await harness.Service.ListAsync(Bob), c => c.Id == team.Id);
    }

    [Fact]
    public async Task Deleting_a_file_removes_its_passages_its_keyword_index_rows_and_its_vectors()
    {
        await using var harness = await StartAsync();
        var collection = await harness.Service.CreateAsync(Alice, "docs", CollectionScope.Private);
        var keep = await harness.Service.AddDocumentAsync(Alice, collection.Id, "keep.md", Text("# Keep\n\nThe ferry leaves at 07:45."));
        var drop = await harness.Service.AddDocumentAsync(Alice, collection.Id, "drop.md", Text("# Drop\n\nThe zeppelin lands on pier 9."));
        await harness.IngestAllAsync();
        Assert.Contains(await harness.Service.SearchAsync(Alice, [collection.Id], "zeppelin", 5), h => h.DocumentId == drop.Id);

        await harness.Service.DeleteDocumentAsync(Alice, drop.Id);

        await using var db = await harness.Db.CreateDbContextAsync();
        Assert.Equal(0, await db.KnowledgeChunks.CountAsync(c => c.DocumentId == drop.Id));
        var ftsRows = await db.Database.SqlQueryRaw<long>("SELECT count(*) AS Value FROM KnowledgeChunksFts WHERE KnowledgeChunksFts MATCH 'zeppelin'").SingleAsync();
        Assert.Equal(0, ftsRows);
        Assert.All(await harness.Service.SearchAsync(Alice, [collection.Id], "zeppelin lands on pier", 5, WebChat.Services.Knowledge.Search.SearchMode.Vector),
            h => Assert.Equal(keep.Id, h.DocumentId));
    }

    [Fact]
    public async Task A_corrupt_pdf_fails_with_its_reason_and_stores_no_passage_and_no_bytes()
    {
        await using var harness = await StartAsync();
        var collection = await harness.Service.CreateAsync(Alice, "pdfs", CollectionScope.Private);
        var pdf = TestDocuments.Pdf(["Quarterly figures."]);
        var document = await harness.Service.AddDocumentAsync(Alice, collection.Id, "broken.pdf", pdf[..(pdf.Length / 3)]);

        var result = Assert.Single(await harness.IngestAllAsync());

        Assert.Equal(IngestionStatus.Failed, result.Status);
        var listed = Assert.Single(await harness.Service.ListDocumentsAsync(Alice, collection.Id));
        Assert.Equal((IngestionStatus.Failed, "This PDF is damaged or not a PDF, so its text cannot be read."), (listed.Status, listed.Error));
        await using var db = await harness.Db.CreateDbContextAsync();
        Assert.False(await db.KnowledgeChunks.AnyAsync(c => c.DocumentId == document.Id));
        Assert.False(await db.KnowledgeUploads.AnyAsync(u => u.DocumentId == document.Id));
    }

    [Fact]
    public async Task A_pdf_and_a_docx_are_searchable_with_their_page_and_heading()
    {
        await using var harness = await StartAsync();
        var collection = await harness.Service.CreateAsync(Alice, "mixed", CollectionScope.Private);
        await harness.Service.AddDocumentAsync(Alice, collection.Id, "manual.pdf", TestDocuments.Pdf(["Introduction to the pump."], ["The pump pressure limit is 8.5 bar."]));
        await harness.Service.AddDocumentAsync(Alice, collection.Id, "policy.docx", TestDocuments.Docx(("Heading1", "Travel"), (null, "Trains are booked in second class.")));
        await harness.IngestAllAsync();

        var pump = (await harness.Service.SearchAsync(Alice, [collection.Id], "pump pressure limit", 1)).Single();
        var travel = (await harness.Service.SearchAsync(Alice, [collection.Id], "which class for trains", 1)).Single();

        Assert.Equal(("manual.pdf", (int?)2), (pump.FileName, pump.Page));
        Assert.Equal(("policy.docx", "Travel"), (travel.FileName, travel.Heading));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_or_over_the_storage_limit_is_refused_before_anything_is_stored()
    {
        await using var harness = await StartAsync(new KnowledgeOptions { MaxFileMegabytes = 1, StoragePerUserMegabytes = 2 });
        var collection = await harness.Service.CreateAsync(Alice, "big", CollectionScope.Private);
        var tooBig = await Assert.ThrowsAsync<KnowledgeException>(() =>
            harness.Service.AddDocumentAsync(Alice, collection.Id, "big.txt", new byte[1024 * 1024 + 1]));
        Assert.Contains("files up to 1 MB", tooBig.Message, StringComparison.Ordinal);

        var almostOneMegabyte = Text(new string('a', 1000 * 1024));
        await harness.Service.AddDocumentAsync(Alice, collection.Id, "one.txt", almostOneMegabyte);
        await harness.Service.AddDocumentAsync(Alice, collection.Id, "two.txt", almostOneMegabyte);
        var full = await Assert.ThrowsAsync<KnowledgeException>(() => harness.Service.AddDocumentAsync(Alice, collection.Id, "three.txt", almostOneMegabyte));

        Assert.Contains("your limit is 2 MB", full.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await harness.Service.ListDocumentsAsync(Alice, collection.Id)).Count);
    }

    [Fact]
    public async Task A_cancelled_ingestion_keeps_no_passage()
    {
        await using var harness = await StartAsync();
        var collection = await harness.Service.CreateAsync(Alice, "slow", CollectionScope.Private);
        var document = await harness.Service.AddDocumentAsync(Alice, collection.Id, "long.md", Text(string.Join("\n\n", Enumerable.Range(0, 3000).Select(i => $"Paragraph {i} says something."))));
        using var cancel = new CancellationTokenSource();

        var result = await harness.Ingestor.IngestAsync(document.Id, p =>
        {
            if (p.ChunksDone > 0)
            {
                cancel.Cancel();
            }
        }, cancel.Token);

        Assert.Equal(IngestionStatus.Cancelled, result.Status);
        await using var db = await harness.Db.CreateDbContextAsync();
        Assert.False(await db.KnowledgeChunks.AnyAsync(c => c.DocumentId == document.Id));
    }
}
