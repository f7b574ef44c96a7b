using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Downloads;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Gguf;
using WebChat.Engine.Storage;
using WebChat.Extensions;
using WebChat.Services.Accounts;
using WebChat.Services.Models;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.App.Services.Models;

/// <summary>The download service against the fake Hub (real Kestrel) with the app's database on a real SQLite file.</summary>
public sealed class ModelDownloadServiceTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-GGUF";
    private const string File = "tiny-Q8_0.gguf";
    private FakeHubServer _hub = null!;
    private AppServicesHost _app = null!;
    private byte[] _model = [];

    public async Task InitializeAsync()
    {
        _model = await System.IO.File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q8_0));
        _hub = await FakeHubServer.StartAsync([new FakeHubRepo { Id = Repo, Files = [new FakeHubFile(File, _model)] }]);
        _app = await AppServicesHost.StartAsync(
            builder => builder.AddWebChatEngine().AddWebChatModels(),
            ("WebChat:Hub:Endpoint", _hub.BaseAddress.ToString()),
            ("WebChat:Hub:MaxRetries", "1"),
            ("WebChat:Hub:RetryBaseDelay", "00:00:00.010"),
            ("WebChat:Downloads:MaxRetriesPerRange", "1"),
            ("WebChat:Downloads:RetryBaseDelay", "00:00:00.010"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _hub.DisposeAsync();
    }

    private ModelDownloadService Downloads => _app.Services.GetRequiredService<ModelDownloadService>();

    [Fact]
    public async Task An_admins_download_is_recorded_as_a_completed_Download_and_an_installed_model_with_its_header_facts()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        var seen = new List<DownloadView>();
        using var subscription = Downloads.Subscribe(view => { lock (seen) seen.Add(view); });

        var id = await Downloads.StartAsync(admin, Repo, File);
        await Downloads.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(30));

        await using var db = await CreateDbAsync();
        var download = await db.Downloads.SingleAsync();
        Assert.Equal((id, DownloadState.Completed, _model.LongLength, (long?)_model.LongLength, (string?)null),
            (download.Id, download.State, download.BytesDone, download.TotalBytes, download.Error));
        Assert.NotNull(download.FinishedAt);
        Assert.Equal(admin.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value, download.RequestedByUserId);
        var installed = await db.InstalledModels.SingleAsync();
        Assert.Equal(($"{Repo}/{File}", $"{Repo}/{File}", ModelSource.Hub, "Q8_0", "llama", _hub.Repo(Repo).File(File)!.Sha256),
            (installed.Id, installed.RelativePath, installed.Source, installed.Quantization, installed.Architecture, installed.Sha256));
        Assert.True(installed.ParameterCount > 0);
        Assert.Equal(_model, await System.IO.File.ReadAllBytesAsync(_app.Services.GetRequiredService<ModelStore>().PathFor(WebChat.Engine.Hub.RepoId.Parse(Repo), File)));
        lock (seen)
        {
            Assert.Equal(DownloadState.Completed, seen[^1].State);
        }
    }

    [Fact]
    public async Task An_observer_that_throws_is_skipped_and_neither_the_download_nor_other_observers_notice()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        using var broken = Downloads.Subscribe(_ => throw new ObjectDisposedException("circuit"));
        var states = new List<DownloadState>();
        using var healthy = Downloads.Subscribe(view => { lock (states) states.Add(view.State); });

        var id = await Downloads.StartAsync(admin, Repo, File);
        await Downloads.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(30));

        lock (states)
        {
            Assert.Equal(DownloadState.Completed, states[^1]);
        }

        await using var db = await CreateDbAsync();
        Assert.Equal(DownloadState.Completed, (await db.Downloads.SingleAsync()).State);
    }

    [Fact]
    public async Task A_download_with_wrong_bytes_is_recorded_as_failed_with_the_reason_and_installs_nothing()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        _hub.Faults.CorruptContent = true;

        var id = await Downloads.StartAsync(admin, Repo, File);
        await Downloads.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(30));

        await using var db = await CreateDbAsync();
        var download = await db.Downloads.SingleAsync();
        Assert.Equal(DownloadState.Failed, download.State);
        Assert.Contains("failed verification", download.Error, StringComparison.Ordinal);
        Assert.Empty(await db.InstalledModels.ToListAsync());
        Assert.Empty(_app.Services.GetRequiredService<ModelStore>().ListInstalled());
    }

    [Fact]
    public async Task A_Hub_that_answers_500_fails_the_start_with_a_readable_error_recorded_on_the_download()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        _hub.Faults.FailNext(10, 500);

        var error = await Assert.ThrowsAsync<ModelOperationException>(() => Downloads.StartAsync(admin, Repo, File));

        await using var db = await CreateDbAsync();
        var download = await db.Downloads.SingleAsync();
        Assert.Equal((DownloadState.Failed, error.Message), (download.State, download.Error));
        Assert.Empty(await db.InstalledModels.ToListAsync());
    }

    [Fact]
    public async Task Clearing_finished_downloads_forgets_failed_and_completed_ones_but_keeps_unfinished_ones_and_installed_models()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        var completed = await Downloads.StartAsync(admin, Repo, File);
        await Downloads.WaitAsync(completed).WaitAsync(TimeSpan.FromSeconds(30));
        var interrupted = new Download { Repo = Repo, Revision = "main", FileName = "other.gguf", State = DownloadState.Downloading };
        await using (var db = await CreateDbAsync())
        {
            db.Downloads.AddRange(interrupted, new Download { Repo = Repo, Revision = "main", FileName = "gated.gguf", State = DownloadState.Failed, Error = "needs a token" });
            await db.SaveChangesAsync();
        }

        var user = await ModelTestUsers.RegisterAsync(_app.Services, "user");
        await Assert.ThrowsAsync<ModelAccessDeniedException>(() => Downloads.ClearFinishedAsync(user));
        var cleared = await Downloads.ClearFinishedAsync(admin);

        Assert.Equal(2, cleared);
        Assert.Equal([interrupted.Id], (await Downloads.ListAsync()).Select(d => d.Id));
        await using var check = await CreateDbAsync();
        Assert.Single(await check.InstalledModels.ToListAsync());
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_cannot_start_a_download_and_nothing_is_recorded()
    {
        await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(_app.Services, "user");
        Assert.False(user.IsInRole(Roles.Admin));

        var error = await Assert.ThrowsAsync<ModelAccessDeniedException>(() => Downloads.StartAsync(user, Repo, File));

        Assert.Contains("Only an admin", error.Message, StringComparison.Ordinal);
        await using var db = await CreateDbAsync();
        Assert.Empty(await db.Downloads.ToListAsync());
        Assert.Empty(_hub.Log.Requests);
    }

    [Fact]
    public async Task A_download_left_running_by_a_previous_start_is_listed_as_interrupted_and_resume_finishes_it()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        var leftOver = new Download { Repo = Repo, Revision = "main", FileName = File, State = DownloadState.Downloading, BytesDone = 10 };
        await using (var db = await CreateDbAsync())
        {
            db.Downloads.Add(leftOver);
            await db.SaveChangesAsync();
        }

        var listed = Assert.Single(await Downloads.ListAsync());
        Assert.True(listed.IsInterrupted && listed.CanResume);

        await Downloads.ResumeAsync(admin, leftOver.Id);
        await Downloads.WaitAsync(leftOver.Id).WaitAsync(TimeSpan.FromSeconds(30));

        var finished = Assert.Single(await Downloads.ListAsync());
        Assert.Equal((leftOver.Id, DownloadState.Completed, false), (finished.Id, finished.State, finished.IsInterrupted));
        await using var check = await CreateDbAsync();
        Assert.Single(await check.InstalledModels.ToListAsync());
    }

    [Fact]
    public async Task Progress_reaches_the_database_while_the_download_runs_and_pause_then_resume_finishes_it()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        // Progress is saved once a second: at a third of the file per second a busy machine once saw no row midway.
        _hub.Faults.BandwidthBytesPerSecond = _model.Length / 8;

        var id = await Downloads.StartAsync(admin, Repo, File);
        var midway = await PollRowAsync(id, row => row is { State: DownloadState.Downloading, BytesDone: > 0 } && row.BytesDone < _model.LongLength);
        Assert.Equal(_model.LongLength, midway.TotalBytes);

        Downloads.Pause(admin, id);
        var paused = await PollRowAsync(id, row => row.State == DownloadState.Paused);
        Assert.True(paused.BytesDone < _model.LongLength);
        Assert.True(Assert.Single(await Downloads.ListAsync()).CanResume);

        _hub.Faults.BandwidthBytesPerSecond = null;
        await Downloads.ResumeAsync(admin, id);
        await Downloads.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(30));

        var done = await PollRowAsync(id, row => row.State == DownloadState.Completed);
        Assert.Equal(_model.LongLength, done.BytesDone);
    }

    [Fact]
    public async Task Cancelling_a_running_download_ends_it_cancelled_and_leaves_no_partial_file()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        _hub.Faults.BandwidthBytesPerSecond = _model.Length / 4;
        var id = await Downloads.StartAsync(admin, Repo, File);
        await PollRowAsync(id, row => row is { State: DownloadState.Downloading, BytesDone: > 0 });

        await Downloads.CancelAsync(admin, id);
        await Downloads.WaitAsync(id).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DownloadState.Cancelled, (await PollRowAsync(id, row => row.State == DownloadState.Cancelled)).State);
        Assert.Empty(Directory.EnumerateFiles(ModelsFolder, "*", SearchOption.AllDirectories));
        await using var db = await CreateDbAsync();
        Assert.Empty(await db.InstalledModels.ToListAsync());
    }

    [Fact]
    public async Task Cancelling_a_download_a_restart_interrupted_deletes_its_partial_file_and_ends_it_cancelled()
    {
        var admin = await ModelTestUsers.RegisterAsync(_app.Services, "admin");
        var leftOver = new Download { Repo = Repo, Revision = "main", FileName = File, State = DownloadState.Downloading, BytesDone = 10 };
        await using (var db = await CreateDbAsync())
        {
            db.Downloads.Add(leftOver);
            await db.SaveChangesAsync();
        }

        var part = _app.Services.GetRequiredService<ModelStore>().PathFor(WebChat.Engine.Hub.RepoId.Parse(Repo), File) + ModelStore.PartSuffix;
        Directory.CreateDirectory(Path.GetDirectoryName(part)!);
        await System.IO.File.WriteAllBytesAsync(part, new byte[10]);
        await System.IO.File.WriteAllTextAsync(part + ".json", "{}");

        await Downloads.CancelAsync(admin, leftOver.Id);

        var listed = Assert.Single(await Downloads.ListAsync());
        Assert.Equal((DownloadState.Cancelled, false), (listed.State, listed.IsInterrupted));
        Assert.False(System.IO.File.Exists(part));
        Assert.False(System.IO.File.Exists(part + ".json"));
        Assert.Equal(0, _hub.Log.BytesServed);
    }

    private string ModelsFolder => _app.Services.GetRequiredService<ModelStore>().Root;

    private Task<Download> PollRowAsync(Guid id, Func<Download, bool> condition) => Eventually.ValueAsync(
        async () =>
        {
            await using var db = await CreateDbAsync();
            return await db.Downloads.AsNoTracking().SingleAsync(d => d.Id == id);
        },
        condition,
        row => $"the download row stayed {row.State} at {row.BytesDone} bytes");

    private Task<WebChatDbContext> CreateDbAsync() =>
        _app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
}
