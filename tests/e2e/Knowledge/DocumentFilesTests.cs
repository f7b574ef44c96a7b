using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;
using WebChat.Tests.E2E.Chat;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.Documents;
using static WebChat.Tests.E2E.Knowledge.KnowledgeChat;

namespace WebChat.Tests.E2E.Knowledge;

/// <summary>
/// PDF and Word files, written in the test by PdfPig's builder and the Open XML SDK (the same libraries the app reads
/// them with), attached in Chromium and cited by file and page. The tiny model has random weights: the tests read the
/// sources under an answer, which retrieval chose, never the answer's words.
/// </summary>
public sealed class DocumentFilesTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    // Three pages; the fact asked about sits on page 2 only, so the citation must name that page.
    private static readonly byte[] Handbook = TestDocuments.Pdf(
        ["Welcome to the Oslo office.", "The canteen opens at eight and serves breakfast until ten."],
        ["Security", "The server room door code is 4721 and changes every quarter."],
        ["Holidays", "Summer holidays are booked through the travel desk in March."]);

    private static readonly byte[] Policy = TestDocuments.Docx(
        ("Heading1", "Travel"),
        (null, "Train tickets above 200 euros need written approval from Dana Whitfield."),
        ("Heading1", "Equipment"),
        (null, "Laptops are replaced every four years by the IT service desk."));

    [Fact]
    public async Task A_pdf_and_a_docx_attached_to_a_chat_are_cited_by_file_and_page_and_another_user_can_neither_open_nor_retrieve_them()
    {
        var alice = await app.CreateAccountAsync();
        var page = await ReadyPageAsync(app, alice);

        await page.GetByTestId("attach-input").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "handbook.pdf", MimeType = "application/pdf", Buffer = Handbook },
            new FilePayload { Name = "policy.docx", MimeType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Buffer = Policy },
        });

        await WebChatAppFixture.WaitForChatAddressAsync(page);
        var attachments = page.GetByTestId("attachment");
        await Assertions.Expect(attachments).ToHaveCountAsync(2);
        await Assertions.Expect(attachments.Filter(new() { HasText = "handbook.pdf" }).GetByTestId("attachment-state")).ToContainTextAsync("3 pages");
        await Assertions.Expect(attachments.Filter(new() { HasText = "policy.docx" })).ToHaveAttributeAsync("data-ready", "true");

        await AskAsync(page, "What is the door code of the server room?");
        var first = page.GetByTestId("message").Last.GetByTestId("citation").First;
        await Assertions.Expect(first).ToContainTextAsync("[1] handbook.pdf, page 2");
        await first.Locator("summary").ClickAsync();
        await Assertions.Expect(first.GetByTestId("citation-passage")).ToContainTextAsync("door code is 4721");

        await AskAsync(page, "Who approves train tickets above 200 euros?");
        await Assertions.Expect(page.GetByTestId("message").Last.GetByTestId("citation").First).ToContainTextAsync("[1] policy.docx › Travel");

        // Bob: Alice's chat reads as missing, and the same questions in his own chat retrieve nothing of hers.
        var conversationId = Guid.Parse(page.Url.Split('/').Last());
        var bob = await app.CreateAccountAsync();
        var bobPage = await ReadyPageAsync(app, bob);
        await bobPage.GotoAsync($"chat/{conversationId}");
        await WebChatAppFixture.WaitForInteractiveAsync(bobPage);
        await Assertions.Expect(bobPage.GetByTestId("conversation-not-found")).ToBeVisibleAsync();
        await Assertions.Expect(bobPage.GetByText("handbook.pdf")).ToHaveCountAsync(0);

        await bobPage.GotoAsync("chat");
        await WebChatAppFixture.WaitForInteractiveAsync(bobPage);
        await AskAsync(bobPage, "What is the door code of the server room?");
        await Assertions.Expect(bobPage.GetByTestId("citation")).ToHaveCountAsync(0);

        // Nor through the search itself, given the id of the collection that holds Alice's attachments.
        var aliceFiles = await AttachmentCollectionAsync(conversationId);
        var knowledge = app.Services.GetRequiredService<KnowledgeService>();
        var bobActor = new KnowledgeActor(await UserIdAsync(app, bob), IsAdmin: false);
        Assert.Empty(await knowledge.SearchAsync(bobActor, [aliceFiles], "server room door code", 5));
        await Assert.ThrowsAsync<KnowledgeException>(() => knowledge.ListDocumentsAsync(bobActor, aliceFiles));
    }

    [Fact]
    public async Task A_collection_shared_on_the_knowledge_page_is_found_and_cited_by_another_user_with_its_hash_name()
    {
        var alice = await app.CreateAccountAsync();
        var name = $"handbook-{Guid.NewGuid().ToString("N")[..6]}";
        var page = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(page, alice);
        await page.GotoAsync("knowledge");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await page.GetByLabel("New collection").FillAsync(name);
        await page.GetByTestId("collection-scope").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Everyone (shared)" }).ClickAsync();
        await page.GetByTestId("create-collection").ClickAsync();
        await page.GetByTestId("knowledge-upload").SetInputFilesAsync(new FilePayload { Name = "office-handbook.pdf", MimeType = "application/pdf", Buffer = Handbook });
        // Stored, then read in the background: on a busy machine both can take longer than an assertion's default wait.
        await Assertions.Expect(page.GetByTestId("document-row")).ToContainTextAsync("Ready: ", new() { Timeout = 60_000 });

        var bobPage = await ReadyPageAsync(app, await app.CreateAccountAsync());
        await bobPage.GetByLabel("Knowledge collections").ClickAsync();
        await Assertions.Expect(bobPage.GetByRole(AriaRole.Option, new() { Name = "#" + name })).ToBeVisibleAsync();
        await bobPage.Keyboard.PressAsync("Escape");
        await AskAsync(bobPage, $"What is the door code of the server room? #{name}");
        await Assertions.Expect(bobPage.GetByTestId("message").Last.GetByTestId("citation").First).ToContainTextAsync("[1] office-handbook.pdf, page 2");
    }

    [Fact]
    public async Task A_corrupt_pdf_attached_to_a_chat_is_refused_in_words_and_nothing_of_it_is_searched()
    {
        var page = await ReadyPageAsync(app, await app.CreateAccountAsync());
        // A PDF header and then damage: what a truncated download or a renamed file looks like.
        byte[] broken = [.. "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R"u8, .. new byte[64]];

        await page.GetByTestId("attach-input").SetInputFilesAsync(new FilePayload { Name = "scan.pdf", MimeType = "application/pdf", Buffer = broken });

        await WebChatAppFixture.WaitForChatAddressAsync(page);
        var attachment = page.GetByTestId("attachment");
        await Assertions.Expect(attachment.GetByTestId("attachment-state")).ToHaveTextAsync("This PDF is damaged or not a PDF, so its text cannot be read.");
        await Assertions.Expect(attachment).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("attachment-failed"));
        await Assertions.Expect(attachment).ToHaveAttributeAsync("data-ready", "false");

        await AskAsync(page, "What does the scan say?");
        await Assertions.Expect(page.GetByTestId("citation")).ToHaveCountAsync(0);
        var conversationId = Guid.Parse(page.Url.Split('/').Last());
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        var collection = await AttachmentCollectionAsync(conversationId);
        Assert.False(await db.KnowledgeChunks.AnyAsync(c => c.CollectionId == collection));
        Assert.False(await db.KnowledgeUploads.AnyAsync(u => db.KnowledgeDocuments.Any(d => d.Id == u.DocumentId && d.CollectionId == collection)));
    }

    private async Task<Guid> AttachmentCollectionAsync(Guid conversationId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        return await db.KnowledgeCollections.Where(c => c.ConversationId == conversationId && c.Scope == CollectionScope.Conversation).Select(c => c.Id).SingleAsync();
    }
}
