using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Tests.E2E.Chat;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.E2E.Accessibility;

/// <summary>
/// The app with content on every page: the scripted engine (answers with reasoning and code), an installed model,
/// and the fake Hub with one repository for Discover.
/// </summary>
public sealed class AccessibilityAppFixture : ScriptedChatAppFixture, IAsyncLifetime
{
    public const string Repo = "webchat/tiny-llama-GGUF";

    public FakeHubServer Hub { get; private set; } = default!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["WebChat:Hub:Endpoint"] = Hub.BaseAddress.ToString(),
        ["WebChat:StarterModel:Repo"] = Repo,
        ["WebChat:StarterModel:File"] = "tiny-q8_0.gguf",
    };

    public new async Task InitializeAsync()
    {
        var model = await File.ReadAllBytesAsync(TestModels.Tiny);
        Hub = await FakeHubServer.StartAsync([new FakeHubRepo { Id = Repo, Files = [new FakeHubFile("tiny-q8_0.gguf", model)] }]);
        await base.InitializeAsync();
        await InstallAsync(model);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Hub.DisposeAsync();
    }

    private async Task InstallAsync(byte[] model)
    {
        var options = Services.GetRequiredService<IOptions<WebChatOptions>>().Value;
        var target = Path.Combine(options.ModelsDirectory, "local", "imported", "webchat-tiny.gguf");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await File.WriteAllBytesAsync(target, model);
        await using var db = await Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        db.InstalledModels.Add(new InstalledModel
        {
            Id = "local/webchat-tiny.gguf",
            FileName = "webchat-tiny.gguf",
            RelativePath = "local/imported/webchat-tiny.gguf",
            SizeBytes = model.Length,
            Quantization = "F32",
            Architecture = "llama",
            Source = ModelSource.Import,
            UserSelectable = true,
        });
        await db.SaveChangesAsync();
    }
}
