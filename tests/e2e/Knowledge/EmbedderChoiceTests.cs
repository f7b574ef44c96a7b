using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Tests.E2E.Chat;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Knowledge;

/// <summary>
/// An admin, in Chromium on the Knowledge page, makes the Library's tiny GGUF model the embedder of new collections
/// (loaded apart from the chat engine), fills a collection with it, then moves that collection back to the built-in one.
/// </summary>
public sealed class EmbedderChoiceTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    [Fact]
    public async Task An_admin_picks_a_gguf_model_as_the_embedder_for_new_collections_and_moves_a_collection_back_to_the_built_in_one()
    {
        var page = await app.NewPageAsync();
        await app.SignInAsAdminAsync(page);
        await page.GotoAsync("knowledge");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        var gguf = GgufEmbedderSource.NameOf(ChatAppFixture.ModelId);

        await page.GetByTestId("default-embedder").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "webchat-tiny (GGUF from the Library", Exact = false }).ClickAsync();
        await page.GetByTestId("save-default-embedder").ClickAsync();
        // Saved once the model has loaded and embedded a text: a few seconds on a busy machine.
        await Assertions.Expect(page.GetByTestId("default-embedder-saved")).ToHaveTextAsync($"New collections use {gguf}.", new() { Timeout = 60_000 });
        var name = $"notes-{Guid.NewGuid().ToString("N")[..6]}";
        await page.GetByTestId("collection-name").FillAsync(name);
        await page.GetByTestId("create-collection").ClickAsync();
        await Assertions.Expect(page.GetByTestId("collection-embedder")).ToHaveTextAsync($"Embedder: {gguf}");
        Assert.Equal(0, await page.GetByTestId("knowledge-error").CountAsync());

        await page.GetByTestId("knowledge-upload").SetInputFilesAsync(new FilePayload
        {
            Name = "vault.md",
            MimeType = "text/markdown",
            Buffer = "# Vault\n\nThe vault combination is 73-19-44."u8.ToArray(),
        });
        await Assertions.Expect(page.GetByTestId("document-row")).ToContainTextAsync("Ready: ", new() { Timeout = 60_000 });
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        Assert.Equal([(gguf, 64 * sizeof(float))], await ChunksAsync(dbFactory, name));

        await page.GetByTestId("move-embedder").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "minilm-l6-v2 (built in, 384 dimensions)" }).ClickAsync();
        await page.GetByTestId("move-collection").ClickAsync();

        await Assertions.Expect(page.GetByTestId("collection-embedder")).ToHaveTextAsync($"Embedder: {MiniLmEmbedder.EmbedderName}");
        // The app's background reindexer re-embeds the passage with the built-in model.
        await Eventually.TrueAsync(async () => await ChunksAsync(dbFactory, name) is [(MiniLmEmbedder.EmbedderName, 384 * sizeof(float))]);
    }

    private static async Task<List<(string, int)>> ChunksAsync(IDbContextFactory<WebChatDbContext> dbFactory, string collection)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var rows = await db.KnowledgeChunks.Where(c => db.KnowledgeCollections.Any(k => k.Id == c.CollectionId && k.Name == collection)).Select(c => new { c.Embedder, Bytes = c.Vector.Length }).ToListAsync();
        return [.. rows.Select(r => (r.Embedder, r.Bytes))];
    }
}
