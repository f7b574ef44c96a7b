// The benchmark harness: each issue adds a scenario measured as a ratio against a baseline in the same run.
using WebChat.Bench.Chat;
using WebChat.Bench.Downloads;
using WebChat.Bench.Inference;

var results = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "results");
results = Directory.Exists(Path.Combine(Environment.CurrentDirectory, "bench")) ? Path.Combine(Environment.CurrentDirectory, "bench", "results") : Path.GetFullPath(results);
return args.FirstOrDefault() switch
{
    "downloads" => await DownloadBench.RunAsync(results),
    "inference" => await InferenceBench.RunAsync(results, args),
    "chat" => await ChatBench.RunAsync(results, args),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run -c Release --project bench -- <scenario>   (scenarios: downloads, inference [--quick] [--small-only], chat [--quick])");
    return 1;
}
