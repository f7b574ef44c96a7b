// The benchmark harness: each issue adds a scenario measured as a ratio against a baseline in the same run.
using System.Globalization;
using WebChat.Bench.Downloads;
using WebChat.Bench.Memory;

var results = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "results");
return args switch
{
    [MemoryBenchmark.Command] => await MemoryBenchmark.RunAsync(Path.GetFullPath(results)),
    [MemoryProbe.Command, var model, var context, var parallel, var flash] =>
        await MemoryProbe.RunAsync(model, int.Parse(context, CultureInfo.InvariantCulture), int.Parse(parallel, CultureInfo.InvariantCulture), flash == "auto"),
    [DownloadBench.Command] => await DownloadBench.RunAsync(Path.GetFullPath(results)),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run -c Release --project bench -- <scenario>");
    Console.WriteLine("scenarios: memory (estimate vs measured RSS of generated 0.5B and 1.2B models)");
    Console.WriteLine("           downloads (4 connections vs 1 on the fake Hub with a per-connection cap; cost of sha256 verification)");
    return 2;
}
