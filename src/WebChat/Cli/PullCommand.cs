using System.CommandLine;
using System.Globalization;
using WebChat.Engine.Catalog;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;
using WebChat.Extensions;
using WebChat.Services.Models;

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
            await host.MigrateWebChatDatabaseAsync(cancellationToken);
            await using var manager = services.GetRequiredService<DownloadManager>();
            var downloads = services.GetRequiredService<ModelDownloadService>();
            DownloadView? latest = null;
            using var watch = downloads.Subscribe(view =>
            {
                if (view.Repo == repo.ToString() && view.FileName == fileName)
                {
                    latest = view;
                }
            });
            var output = CliConsole.Out();
            var view = new PullProgressView(output, SplitGgufName.AllParts(fileName));
            using var perFile = manager.Subscribe(progress =>
            {
                if (progress.Key.Repo == repo)
                {
                    view.Report(progress);
                }
            });
            await output.Writer.WriteLineAsync($"Pulling {repo} {fileName} into {manager.Store.Root}");
            var id = await downloads.StartAsync(ModelPermissions.ServerOperator, repo.ToString(), fileName, revision, cancellationToken);
            var final = await ShowProgressUntilDoneAsync(downloads, id, view, () => latest, cancellationToken);
            switch (final?.State)
            {
                case DownloadState.Completed:
                    Console.WriteLine($"Verified (sha256) and installed: {manager.Store.PathFor(repo, fileName)}");
                    return 0;
                case DownloadState.Paused:
                    Console.WriteLine("Paused. Finished ranges are kept: run the same command again (or press Resume on the Discover page) to resume.");
                    return 130;
                default:
                    await Console.Error.WriteLineAsync(final?.Error ?? $"The download ended {final?.State.ToString().ToLowerInvariant() ?? "without a result"}.");
                    return 1;
            }
        }
        catch (Exception error) when (error is HubException or DownloadException or StorageException or ModelOperationException)
        {
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

    /// <summary>Shows each file's progress until the download ends (installed, failed, cancelled) or Ctrl+C pauses it; returns its last state.</summary>
    private static async Task<DownloadView?> ShowProgressUntilDoneAsync(
        ModelDownloadService downloads, Guid id, PullProgressView view, Func<DownloadView?> latest, CancellationToken cancellationToken)
    {
        var done = downloads.WaitAsync(id, CancellationToken.None);
        using var pauseOnCtrlC = cancellationToken.Register(() => Pause(downloads, id));
        await view.ShowAsync(done, () => cancellationToken.IsCancellationRequested && latest()?.State == DownloadState.Paused);
        if (done.IsCompleted)
        {
            await done;
        }

        return latest();
    }

    private static void Pause(ModelDownloadService downloads, Guid id)
    {
        try
        {
            downloads.Pause(ModelPermissions.ServerOperator, id);
        }
        catch (ModelOperationException)
        {
            // It finished between the key press and the pause: nothing to pause.
        }
    }
}
