using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Extensions;
using WebChat.Services.ApiKeys;
using WebChat.Services.Models;
using WebChat.Tests.Support.Processes;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Support.Network;

namespace WebChat.Tests.E2E.Api;

/// <summary>
/// A second WebChat as a process of its own, so that a test can kill it as an operator's crash would (SIGKILL: its
/// connections close mid-answer) and start it again on the same port and data. Its data directory is prepared before
/// the first start: the generated tiny model installed, offered to users and made the default (so it loads at start),
/// and one user with an API key for the first WebChat to call it with.
/// </summary>
public sealed class SecondWebChatProcess : IAsyncDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "webchat-second-" + Guid.NewGuid().ToString("N"));
    private IHost? data;
    private AppProcess? app;

    private SecondWebChatProcess(int port) => BaseAddress = new Uri($"http://127.0.0.1:{port}/");

    public const string ModelId = "local/webchat-tiny.gguf";

    public Uri BaseAddress { get; }

    public string ApiKey { get; private set; } = "";

    public string UserId { get; private set; } = "";

    public bool IsRunning => app is not null;

    /// <summary>Prepares the data directory and starts the process.</summary>
    public static async Task<SecondWebChatProcess> StartAsync()
    {
        var second = new SecondWebChatProcess(LoopbackPort.Free());
        try
        {
            await second.PrepareAsync();
            await second.RunAsync();
            return second;
        }
        catch
        {
            await second.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the process again when a test killed it (same port, same data: the model loads at start).</summary>
    public async Task RunAsync()
    {
        if (app is not null)
        {
            return;
        }

        var (process, _) = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = BaseAddress.ToString().TrimEnd('/'),
            ["WebChat:DataDirectory"] = dataDirectory,
        });
        app = process;
    }

    /// <summary>Kills the process and its children at once, as a crash or `kill -9` would: no graceful shutdown, open answers break off.</summary>
    public async Task KillAsync()
    {
        if (app is { } running)
        {
            app = null;
            await running.DisposeAsync();
        }
    }

    /// <summary>The second's usage records of the key's user, read from its database file.</summary>
    public async Task<List<UsageRecord>> UsageAsync()
    {
        var dbFactory = data!.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.UsageRecords.AsNoTracking().Where(r => r.UserId == UserId).OrderBy(r => r.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        data?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans its temp folder; a file still held must not fail the run.
        }
    }

    // The data layer alone, on the second's data directory: the same migrations and rows the app itself writes.
    private async Task PrepareAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WebChat:DataDirectory"] = dataDirectory });
        builder.AddWebChatOptions();
        builder.AddWebChatData();
        data = builder.Build();
        await data.MigrateWebChatDatabaseAsync();

        var models = data.Services.GetRequiredService<IOptions<WebChatOptions>>().Value.ModelsDirectory;
        var target = Path.Combine(models, "local", "webchat-tiny.gguf");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(TestModels.Tiny, target, overwrite: true);

        var dbFactory = data.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var email = $"first-webchat-{Guid.NewGuid():N}@example.test";
        var user = new ApplicationUser
        {
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = true,
            SecurityStamp = Guid.NewGuid().ToString("N"),
        };
        db.Users.Add(user);
        db.InstalledModels.Add(new InstalledModel
        {
            Id = ModelId,
            FileName = "webchat-tiny.gguf",
            RelativePath = "local/webchat-tiny.gguf",
            SizeBytes = new FileInfo(target).Length,
            Quantization = "F32",
            Architecture = "llama",
            Source = ModelSource.Import,
            UserSelectable = true, // offered to the key's user, who is not an admin
        });
        db.AppSettings.Add(new AppSetting { Key = DefaultModel.SettingKey, Value = ModelId });
        await db.SaveChangesAsync();

        // The key is made as the API keys page makes it (the account check only runs when a key is used).
        var created = await new ApiKeyService(dbFactory, TimeProvider.System, access: null!).CreateAsync(user.Id, "first webchat");
        (UserId, ApiKey) = (user.Id, created.Secret);
    }
}
