using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.E2E.Chat;

/// <summary>
/// The app with the real LLamaSharp engine and the generated tiny model installed in its models folder
/// (file copied in and recorded as an InstalledModel, as an import does).
/// </summary>
public class ChatAppFixture : WebChatAppFixture, IAsyncLifetime
{
    public const string ModelId = "local/webchat-tiny.gguf";

    // The real engine as the engine library registers it, in place of the app's stand-in.
    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<IInferenceEngine>();
            services.AddWebChatInference(options => options.KeepAlive = null);
        });

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await InstallTinyModelAsync();
    }

    private async Task InstallTinyModelAsync()
    {
        var options = Services.GetRequiredService<IOptions<WebChatOptions>>().Value;
        var target = Path.Combine(options.ModelsDirectory, "local", "webchat-tiny.gguf");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(TestModels.Tiny, target, overwrite: true);
        var dbFactory = Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        db.InstalledModels.Add(new InstalledModel
        {
            Id = ModelId,
            FileName = "webchat-tiny.gguf",
            RelativePath = "local/webchat-tiny.gguf",
            SizeBytes = new FileInfo(target).Length,
            Quantization = "F32",
            Architecture = "llama",
            Source = ModelSource.Import,
        });
        await db.SaveChangesAsync();
    }
}
