using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;
using WebChat.Tests.E2E.Chat;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Knowledge;

/// <summary>
/// Chatting with documents in Chromium against the real engine on the tiny model (random weights: the tests read the
/// sources shown under an answer, never its words) and the real embedded embedder.
/// </summary>
public sealed class KnowledgeChatTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    private const string Notes = "# Parking\n\nVisitors park on level 3 of the north garage.\n";

    [Fact]
    public async Task A_markdown_file_attached_to_a_chat_is_read_and_the_answer_cites_it_with_the_passage_on_expand()
    {
        var page = await ReadyPageAsync(await app.CreateAccountAsync());

        await page.GetByTestId("attach-input").SetInputFilesAsync(new FilePayload { Name = "parking-notes.md", MimeType = "text/markdown", Buffer = Encoding.UTF8.GetBytes(Notes) });

        await WebChatAppFixture.WaitForChatAddressAsync(page);
        var attachment = page.GetByTestId("attachment");
        await Assertions.Expect(attachment).ToContainTextAsync("parking-notes.md");
        await Assertions.Expect(attachment).ToHaveAttributeAsync("data-ready", "true");
        await Assertions.Expect(attachment.GetByTestId("attachment-state")).ToContainTextAsync("Ready: 1 passages");

        await AskAsync(page, "Where do visitors park?");

        var citation = page.GetByTestId("message").Last.GetByTestId("citation");
        await Assertions.Expect(citation).ToHaveCountAsync(1);
        await Assertions.Expect(citation).ToContainTextAsync("[1] parking-notes.md › Parking");
        await Assertions.Expect(citation.GetByTestId("citation-passage")).Not.ToBeVisibleAsync();
        await citation.Locator("summary").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(citation.GetByTestId("citation-passage")).ToContainTextAsync("Visitors park on level 3 of the north garage.");
    }

    [Fact]
    public async Task A_file_that_cannot_be_added_is_refused_in_words_and_nothing_is_attached()
    {
        var page = await ReadyPageAsync(await app.CreateAccountAsync());

        await page.GetByTestId("attach-input").SetInputFilesAsync(new FilePayload { Name = "tool.exe", MimeType = "application/octet-stream", Buffer = [0x4d, 0x5a, 0, 0] });

        await Assertions.Expect(page.GetByTestId("chat-error")).ToContainTextAsync("\"tool.exe\" is not a file type that can be added");
        await Assertions.Expect(page.GetByTestId("attachment")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_private_collection_is_picked_and_cited_by_its_owner_and_another_user_can_neither_see_nor_pick_it()
    {
        var alice = await app.CreateAccountAsync();
        var bob = await app.CreateAccountAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (privateName, sharedName) = ($"private-{suffix}", $"shared-{suffix}");
        var knowledge = app.Services.GetRequiredService<KnowledgeService>();
        var aliceActor = new KnowledgeActor(await UserIdAsync(alice), IsAdmin: false);
        var privateCollection = await knowledge.CreateAsync(aliceActor, privateName, CollectionScope.Private);
        await knowledge.AddDocumentAsync(aliceActor, privateCollection.Id, "garage.md", Encoding.UTF8.GetBytes(Notes));
        await knowledge.CreateAsync(aliceActor, sharedName, CollectionScope.Shared);
        await Eventually.TrueAsync(async () => (await knowledge.ListDocumentsAsync(aliceActor, privateCollection.Id)).Single().Status == IngestionStatus.Ready);

        var alicePage = await ReadyPageAsync(alice);
        await alicePage.GetByLabel("Knowledge collections").ClickAsync();
        await alicePage.GetByRole(AriaRole.Option, new() { Name = "#" + privateName }).ClickAsync();
        await alicePage.Keyboard.PressAsync("Escape");
        await WebChatAppFixture.WaitForChatAddressAsync(alicePage);
        await AskAsync(alicePage, "Where do visitors park?");
        await Assertions.Expect(alicePage.GetByTestId("message").Last.GetByTestId("citation")).ToContainTextAsync("garage.md › Parking");

        var bobPage = await ReadyPageAsync(bob);
        await bobPage.GetByLabel("Knowledge collections").ClickAsync();
        await Assertions.Expect(bobPage.GetByRole(AriaRole.Option, new() { Name = "#" + sharedName })).ToBeVisibleAsync();
        await Assertions.Expect(bobPage.GetByRole(AriaRole.Option, new() { Name = "#" + privateName })).ToHaveCountAsync(0);
        await bobPage.Keyboard.PressAsync("Escape");
        await AskAsync(bobPage, $"Where do visitors park? #{privateName}");
        await Assertions.Expect(bobPage.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");
        await Assertions.Expect(bobPage.GetByTestId("citation")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Typing_a_hash_lists_the_matching_collections_and_enter_completes_the_chosen_one_without_sending()
    {
        var alice = await app.CreateAccountAsync();
        var prefix = "ga" + Guid.NewGuid().ToString("N")[..6];
        var (garage, gazette) = ($"{prefix}-garage", $"{prefix}-gazette");
        var knowledge = app.Services.GetRequiredService<KnowledgeService>();
        var actor = new KnowledgeActor(await UserIdAsync(alice), IsAdmin: false);
        var collection = await knowledge.CreateAsync(actor, garage, CollectionScope.Private);
        await knowledge.AddDocumentAsync(actor, collection.Id, "garage.md", Encoding.UTF8.GetBytes(Notes));
        await knowledge.CreateAsync(actor, gazette, CollectionScope.Private);
        await Eventually.TrueAsync(async () => (await knowledge.ListDocumentsAsync(actor, collection.Id)).Single().Status == IngestionStatus.Ready);
        var page = await ReadyPageAsync(alice);
        var box = KnowledgeChat.Composer(page);

        await box.PressSequentiallyAsync($"Where do visitors park? #{prefix}");

        var list = page.GetByRole(AriaRole.Listbox, new() { Name = "Collections" });
        var options = list.GetByRole(AriaRole.Option);
        await Assertions.Expect(options).ToHaveTextAsync(["#" + garage, "#" + gazette]);
        await Assertions.Expect(box).ToHaveAttributeAsync("aria-activedescendant", await options.First.GetAttributeAsync("id") ?? "");
        await Assertions.Expect(page.Locator("[data-collections-status]")).ToHaveTextAsync("2 collections match: up and down arrows to choose, Enter to pick.");
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(options.Nth(1)).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("ArrowUp");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(box).ToHaveValueAsync($"Where do visitors park? #{garage} ");
        await Assertions.Expect(list).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(0);

        await box.PressAsync("Enter");
        await WebChatAppFixture.WaitForChatAddressAsync(page);
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");
        await Assertions.Expect(page.GetByTestId("message").Last.GetByTestId("citation")).ToContainTextAsync("[1] garage.md › Parking");
    }

    [Fact]
    public async Task Files_dragged_over_the_chat_open_the_drop_zone_and_a_file_dropped_there_is_attached()
    {
        var page = await ReadyPageAsync(await app.CreateAccountAsync());
        var main = page.Locator(".chat-main");
        var dropping = new System.Text.RegularExpressions.Regex(@"\bdropping\b");
        // The drop zone's listeners are added after the first interactive render; an event before that is not seen.
        await Assertions.Expect(main).ToHaveAttributeAsync("data-drop-zone", "1");

        // What the browser fires when files from the desktop are dragged in: the page then lays its drop input over the chat.
        await page.EvaluateAsync("""
            () => {
                const files = new DataTransfer();
                files.items.add(new File(['# Parking'], 'parking-notes.md', { type: 'text/markdown' }));
                document.querySelector('.chat-scroller').dispatchEvent(new DragEvent('dragenter', { bubbles: true, dataTransfer: files }));
            }
            """);
        await Assertions.Expect(main).ToHaveClassAsync(dropping);
        await Assertions.Expect(page.Locator(".chat-drop-hint")).ToBeVisibleAsync();

        // The drop: the files land in the drop input (a page script cannot hand files to a drop), and the drop event ends the drag.
        await page.GetByTestId("drop-input").SetInputFilesAsync(new FilePayload { Name = "parking-notes.md", MimeType = "text/markdown", Buffer = Encoding.UTF8.GetBytes(Notes) });
        await page.EvaluateAsync("() => document.querySelector('.chat-drop-input').dispatchEvent(new DragEvent('drop', { bubbles: true }))");

        await Assertions.Expect(main).Not.ToHaveClassAsync(dropping);
        await WebChatAppFixture.WaitForChatAddressAsync(page);
        await Assertions.Expect(page.GetByTestId("attachment")).ToHaveAttributeAsync("data-ready", "true");
        await AskAsync(page, "Where do visitors park?");
        await Assertions.Expect(page.GetByTestId("message").Last.GetByTestId("citation")).ToContainTextAsync("[1] parking-notes.md › Parking");
    }

    private Task<IPage> ReadyPageAsync(string email) => KnowledgeChat.ReadyPageAsync(app, email);

    private static Task AskAsync(IPage page, string question) => KnowledgeChat.AskAsync(page, question);

    private Task<string> UserIdAsync(string email) => KnowledgeChat.UserIdAsync(app, email);
}
