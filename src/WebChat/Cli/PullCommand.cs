using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using InstalledModel = WebChat.Data.Entities.InstalledModel;
using ModelSource = WebChat.Data.Entities.ModelSource;
using WebChat.Engine.Catalog;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;
using WebChat.Extensions;

namespace WebChat.Cli;

/// <summary>`WebChat pull owner/repo [file | --quant Q4_K_M]`: downloads, verifies, installs and records a model; Ctrl+C pauses, running it again resumes.</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var repoArgument = new Argument<string>("repo") { Description = "The Hub repository, owner/name." };
        var fileArgument = new Argument<string?>("file") { Description = "The GGUF file; omit to pick by --quant.", Arity = ArgumentArity.ZeroOrOne };
        var quantOption = new Option<string?>("--quant") { Description = "Quantization to pick when no file is named, e.g. Q4_K_M (default: Q4_K_M, else the smallest)." };
        var revisionOption = new Option<string>("--revision") { Description = "Branch, tag or commit.", DefaultValueFactory = _ => "main" };
        var command = new Command("pull", "Download a GGUF model from the Hugging Face Hub into the models folder.")
        {
            repoArgument, fileArgument, quantOption, revisionOption,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, cancellationToken) =>
        {
            // A host switch (--Section:Key=value) can land in the optional file argument; it belongs with the switches.
            var file = result.GetValue(fileArgument);
            var switches = result.UnmatchedTokens.ToList();
            if (file?.StartsWith("--", StringComparison.Ordinal) == true)
            {
                switches.Insert(0, file);
                file = null;
            }

            return RunAsync(result.GetValue(repoArgument)!, file, result.GetValue(quantOption), result.GetValue(revisionOption)!, switches, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        string repoName, string? fileName, string? quant, string revision, IReadOnlyList<string> switches, CancellationToken cancellationToken)
    {
        if (!RepoId.TryParse(repoName, out var repo))
        {
            await Console.Error.WriteLineAsync($"'{repoName}' is not a repository name (owner/name).");
            return 2;
        }

        using var host = HubCommandHost.Build(switches);
        var services = host.Services;
        try
        {
            fileName ??= await ChooseFileAsync(services.GetRequiredService<HubClient>(), repo, revision, quant, cancellationToken);
            await using var manager = services.GetRequiredService<DownloadManager>();
            var download = await manager.StartModelAsync(repo, fileName, revision, cancellationToken);
            Console.WriteLine($"Pulling {repo} {string.Join(", ", download.Parts.Select(p => p.Key.FileName))} into {manager.Store.Root}");
            var path = await ShowProgressUntilDoneAsync(download, cancellationToken);
            if (path is null)
            {
                Console.WriteLine();
                Console.WriteLine("Paused. Finished ranges are kept: run the same command again to resume.");
                return 130;
            }

            await RecordAsync(host, manager, download, revision, cancellationToken);
            Console.WriteLine();
            Console.WriteLine($"Verified (sha256) and installed: {path}");
            return 0;
        }
        catch (Exception error) when (error is HubException or DownloadException or StorageException)
        {
            Console.WriteLine();
            await Console.Error.WriteLineAsync(error.Message);
            return 1;
        }
    }

    /// <summary>Picks the GGUF file by quantization: the one asked for, else Q4_K_M, else the smallest; a split model by its first part.</summary>
    internal static async Task<string> ChooseFileAsync(HubClient hub, RepoId repo, string revision, string? quant, CancellationToken cancellationToken)
    {
        var info = await hub.GetModelInfoAsync(repo, revision == "main" ? null : revision, cancellationToken);
        var ggufs = (info.Siblings ?? [])
            .Select(s => (Sibling: s, Name: GgufFileName.Parse(s.FileName)))
            .Where(f => f.Name is not null && SplitGgufName.IsFirstPartOrWhole(f.Sibling.FileName))
            .ToList();
        if (ggufs.Count == 0)
        {
            throw new HubNotFoundException($"{repo} has no GGUF files.");
        }

        if (quant is not null)
        {
            return ggufs.FirstOrDefault(f => string.Equals(f.Name!.Quantization, quant, StringComparison.OrdinalIgnoreCase)).Sibling?.FileName
                ?? throw new HubNotFoundException($"{repo} has no {quant.ToUpperInvariant()} file; it has {string.Join(", ", ggufs.Select(f => f.Name!.Quantization ?? f.Sibling.FileName))}.");
        }

        return (ggufs.FirstOrDefault(f => f.Name!.Quantization == "Q4_K_M").Sibling ?? ggufs.MinBy(f => f.Sibling.Size ?? long.MaxValue).Sibling).FileName;
    }

    /// <summary>Prints a progress line until the model is installed (returns its path) or Ctrl+C pauses it (returns null).</summary>
    private static async Task<string?> ShowProgressUntilDoneAsync(ModelDownload download, CancellationToken cancellationToken)
    {
        var done = download.WaitAsync(CancellationToken.None);
        using var pauseOnCtrlC = cancellationToken.Register(download.Pause);
        while (!done.IsCompleted)
        {
            Console.Write($"\r{ProgressLine(download)}   ");
            if (cancellationToken.IsCancellationRequested && download.Parts.All(p => p.State is DownloadState.Paused or DownloadState.Completed))
            {
                return null;
            }

            await Task.WhenAny(done, Task.Delay(500, CancellationToken.None));
        }

        Console.Write($"\r{ProgressLine(download)}   ");
        return await done;
    }

    internal static string ProgressLine(ModelDownload download)
    {
        var total = download.TotalBytes;
        var doneBytes = download.BytesDone;
        var fraction = total > 0 ? (double)doneBytes / total : 0;
        var bar = new string('#', (int)(fraction * 30)).PadRight(30, '.');
        var speed = download.BytesPerSecond;
        var eta = speed > 0 ? TimeSpan.FromSeconds((total - doneBytes) / speed).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        var state = download.Parts.FirstOrDefault(p => p.State != DownloadState.Completed)?.State ?? DownloadState.Completed;
        return $"[{bar}] {fraction * 100,5:0.0}% {ByteSizes.Format(doneBytes)}/{ByteSizes.Format(total)} {ByteSizes.Format((long)speed)}/s ETA {eta} {state}";
    }

    /// <summary>Records each installed part in the app's database (InstalledModel), with what its GGUF header says.</summary>
    private static async Task RecordAsync(IHost host, DownloadManager manager, ModelDownload download, string revision, CancellationToken cancellationToken)
    {
        await host.MigrateWebChatDatabaseAsync(cancellationToken);
        var dbFactory = host.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var part in download.Parts)
        {
            var path = await part.WaitAsync(cancellationToken);
            var descriptor = SplitGgufName.IsFirstPartOrWhole(part.Key.FileName) ? await ModelDescriptors.FromFileAsync(path, cancellationToken) : null;
            var id = $"{part.Key.Repo}/{part.Key.FileName}";
            var row = await db.Set<InstalledModel>().FindAsync([id], cancellationToken);
            if (row is null)
            {
                row = new InstalledModel { Id = id, FileName = part.Key.FileName, RelativePath = "" };
                db.Add(row);
            }

            row.Repo = part.Key.Repo.ToString();
            row.Revision = part.Commit ?? revision;
            row.RelativePath = Path.GetRelativePath(manager.Store.Root, path).Replace('\\', '/');
            row.Sha256 = part.Sha256;
            row.SizeBytes = new FileInfo(path).Length;
            row.Architecture = descriptor?.Architecture;
            row.ParameterCount = descriptor?.ParameterCount;
            row.Quantization = descriptor?.Quantization;
            row.ContextLength = descriptor?.ContextLength;
            row.Source = ModelSource.Hub;
            row.InstalledAt = DateTime.UtcNow;
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
