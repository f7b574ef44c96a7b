// Standalone fake Hugging Face Hub for offline demos:
//   dotnet run --project tests/support -- --models DIR --port N
// DIR holds {owner}/{repo}/*.gguf (the models store's layout); without --models the generated tiny llama is served.
// Point WebChat at it with HF_ENDPOINT=http://127.0.0.1:N (or WebChat:Hub:Endpoint).
//   dotnet run --project tests/support -- --write-model FILE
// writes the generated tiny llama to FILE and exits (the release smoke test runs the released `run` on it).
using System.Globalization;
using System.Runtime.InteropServices;
using WebChat.Engine.Gguf.Writing;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;

if (Value("--write-model") is { } modelPath)
{
    LlamaModelWriter.WriteFile(modelPath, TestModels.TinySpec);
    Console.WriteLine($"Wrote the tiny llama to {modelPath}");
    return;
}

var models = Value("--models");
var port = int.TryParse(Value("--port"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : 5080;
var repos = models is null ? await FakeHubCatalog.GeneratedAsync() : await FakeHubCatalog.FromFolderAsync(models);
await using var hub = await FakeHubServer.StartAsync(repos, port);
Console.WriteLine($"Fake Hugging Face Hub on {hub.BaseAddress} serving {repos.Count} repositories:");
foreach (var repo in repos)
{
    Console.WriteLine($"  {repo.Id}: {string.Join(", ", repo.Files.Select(f => f.Path))}");
}

Console.WriteLine($"Try: HF_ENDPOINT={hub.BaseAddress} WebChat search  |  Ctrl+C or SIGTERM stops.");
using var stop = new CancellationTokenSource();
// Ctrl+C in a terminal; SIGTERM from scripts, whose background jobs ignore SIGINT.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C or SIGTERM: dispose the server and exit.
}

void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.Cancel();
}

string? Value(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
