// The benchmark harness: each issue adds a scenario measured as a ratio against a baseline in the same run.
using System.Globalization;
using WebChat.Bench.Api;
using WebChat.Bench.Chat;
using WebChat.Bench.Cli;
using WebChat.Bench.Downloads;
using WebChat.Bench.Engines;
using WebChat.Bench.Inference;
using WebChat.Bench.Knowledge;
using WebChat.Bench.Memory;
using WebChat.Bench.Soak;
using WebChat.Bench.Peer;

var results = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "results");
results = Directory.Exists(Path.Combine(Environment.CurrentDirectory, "bench"))
    ? Path.Combine(Environment.CurrentDirectory, "bench", "results")
    : Path.GetFullPath(results);
return args switch
{
    [MemoryBenchmark.Command] => await MemoryBenchmark.RunAsync(results),
    [MemoryProbe.Command, var model, var context, var parallel, var flash] =>
        await MemoryProbe.RunAsync(model, int.Parse(context, CultureInfo.InvariantCulture), int.Parse(parallel, CultureInfo.InvariantCulture), flash == "auto"),
    [DownloadBench.Command, ..] => await DownloadBench.RunAsync(results, args),
    ["inference", ..] => await InferenceBench.RunAsync(results, args),
    [DecodeThreadBench.Command] => await DecodeThreadBench.RunAsync(),
    ["chat", ..] => await ChatBench.RunAsync(results, args),
    [SoakBench.Command, ..] when args.Contains("--nodes") => await NodesSoak.RunAsync(results, args),
    [SoakBench.Command, ..] => await SoakBench.RunAsync(results, args),
    [ApiLoadBench.Command, ..] => await ApiLoadBench.RunAsync(results, args),
    [PeerBench.Command, ..] => await PeerBench.RunAsync(results, args),
    [EnginesBench.Command, ..] => await EnginesBench.RunAsync(results, args),
    [KnowledgeBench.Command, ..] => await KnowledgeBench.RunAsync(results, args),
    [CliRunBench.Command, ..] => await CliRunBench.RunAsync(results, args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run -c Release --project bench -- <scenario>");
    Console.WriteLine("scenarios: memory     estimate vs measured RSS of generated 0.5B and 1.2B models");
    Console.WriteLine("           downloads  [--runs 3] 4 connections vs 1 on the fake Hub (235 MB and 40 MB, 4 MB/s per connection); cost of sha256 verification");
    Console.WriteLine("           inference  [--quick] [--small-only] engine vs a bare LLamaSharp loop; batching, prefix reuse, cancel");
    Console.WriteLine("           peer       [--quick] [--q8-only | --models Q8_0,Q4_0,Q4_K_M] [--native DIR] [--threads N] [--chunk N] [--step-budget-ms N] [--batch-threads N]");
    Console.WriteLine("                      [--flash auto|off] [--kv f16|q8_0] [--out NAME]  engine vs node-llama-cpp 3.21.1 and a bare LLamaSharp loop");
    Console.WriteLine("           peer --llama-server [--quick] [--rounds N] [--out NAME]  WebChat's /v1 vs llama-server (scripts/build-llama-server.sh):");
    Console.WriteLine("                      time to first token alone and 4 users at once, aggregate tok/s, new prompts and a shared prefix");
    Console.WriteLine("           engines    [--quick] [--rounds N] [--no-replicas|--replicas-only] [--engine-cpu N] [--out NAME]  llama-server directly vs through WebChat (remote engine):");
    Console.WriteLine("                      TTFT and tok/s by /v1 and the chat page; two replicas with 8 conversations: split and cached second turns");
    Console.WriteLine("           cli-run    [--quick] [--out NAME]  the command line's run vs a bare LLamaSharp loop (one stream, same GGUF), Release and Debug");
    Console.WriteLine("           chat       [--quick] token-to-DOM latency in Chromium; render time per token");
    Console.WriteLine("           soak       [--minutes 5] [--light 24] light users alone, then with one heavy user in 8 conversations");
    Console.WriteLine("           soak --nodes 2 [--minutes 2] [--light 16] [--out soak-nodes]  the same through nginx across two nodes on a throwaway PostgreSQL,");
    Console.WriteLine("                      then on one SQLite node (one shared fake remote engine): errors, answers lost, each node's RSS");
    Console.WriteLine("           knowledge  [--pages 1000] [--queries 200] [--scales 10000,100000] [--out knowledge] ingestion passages/s vs the bare embedder; query p50/p95 at each size; RSS");
    Console.WriteLine("           api-load   [--quick] 16 streaming API clients and 4 browser chats for 60 s on the tiny model: errors, TTFT, RSS");
    return 2;
}
