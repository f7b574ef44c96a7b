using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Engine.Gguf;
using WebChat.Extensions;
using WebChat.Services.Models;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Unit.App.Data;

namespace WebChat.Tests.Unit.App.Services.Models;

/// <summary>Starts of one file that arrive together, as from two admins' tabs: on each provider they join one download.</summary>
public sealed class ParallelDownloadStartsTests
{
    private const string Repo = "acme/tiny-GGUF";
    private const string File = "tiny-Q8_0.gguf";

    [Theory]
    [BothProviders]
    public async Task Eight_starts_of_the_same_file_at_once_make_one_download_and_one_installed_model(DataProvider provider)
    {
        var model = await System.IO.File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q8_0));
        await using var hub = await FakeHubServer.StartAsync([new FakeHubRepo { Id = Repo, Files = [new FakeHubFile(File, model)] }]);
        await using var app = await AppServicesHost.StartAsync(provider, builder => builder.AddWebChatEngine().AddWebChatModels(),
            ("WebChat:Hub:Endpoint", hub.BaseAddress.ToString()));
        var downloads = app.Services.GetRequiredService<ModelDownloadService>();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");

        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => downloads.StartAsync(admin, Repo, File))));
        await downloads.WaitAsync(ids[0]).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Single(ids.Distinct());
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        Assert.Equal(ids[0], (await db.Downloads.SingleAsync()).Id);
        Assert.Equal($"{Repo}/{File}", (await db.InstalledModels.SingleAsync()).Id);
        Assert.Equal(1, await db.ModelCopies.CountAsync());
    }
}
