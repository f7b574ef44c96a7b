// Search the Hugging Face Hub for GGUF models and download one with progress, using WebChat.Engine as a library.
//   dotnet run --project examples/SearchAndPull -- [search text] [--models DIR]
// HF_ENDPOINT points it at a mirror; offline, at the fake Hub: dotnet run --project tests/support -- --port 5080
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebChat.Engine;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

var text = args.FirstOrDefault(arg => !arg.StartsWith("--", StringComparison.Ordinal)) ?? "tiny";
var modelsIndex = Array.IndexOf(args, "--models");
var models = modelsIndex >= 0 && modelsIndex + 1 < args.Length ? args[modelsIndex + 1] : Path.Combine(Path.GetTempPath(), "webchat-example-models");

// Its own folder as content root: an appsettings.json in the working directory (the repository's) is not read.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Logging.SetMinimumLevel(LogLevel.Warning); // The engine's load report stays out of the example's output.
builder.Services.AddWebChatEngine();
builder.Services.Configure<ModelStoreOptions>(store => store.Directory = models);
using var host = builder.Build();

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

// 1. Search: the Hub's facts, a quality score, every GGUF file with its memory estimate and the recommended one.
var search = host.Services.GetRequiredService<ModelSearch>();
var results = await search.SearchAsync(new ModelQuery { Text = text, Task = ModelTask.Chat, Limit = 5 }, stop.Token);
foreach (var result in results)
{
    Console.WriteLine($"{result.Model.Id}  downloads {result.Model.Downloads}  quality {result.QualityScore:0.00}  recommended {result.Recommended?.FileName ?? "-"}");
}

var pick = results.FirstOrDefault(result => result.Recommended is not null);
if (pick is null)
{
    Console.WriteLine($"No GGUF model found for '{text}'.");
    return 1;
}

// 2. Pull: parallel byte ranges, resumable, verified against the Hub's sha256 before it is renamed into place.
await using var downloads = host.Services.GetRequiredService<DownloadManager>();
using var progress = downloads.Subscribe(update =>
    Console.WriteLine($"{update.Key.FileName}: {update.State} {update.BytesDone:N0}/{update.TotalBytes:N0} bytes, {update.BytesPerSecond / 1e6:0.0} MB/s"));
var download = await downloads.StartModelAsync(RepoId.Parse(pick.Model.Id), pick.Recommended!.FileName, cancellationToken: stop.Token);
try
{
    var path = await download.WaitAsync(stop.Token);
    Console.WriteLine($"Verified and installed: {path}");
    return 0;
}
catch (OperationCanceledException)
{
    download.Pause(); // The finished ranges stay on disk: running the example again resumes.
    Console.WriteLine("Paused; run again to resume.");
    return 130;
}
