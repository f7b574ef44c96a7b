using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebChat.Bench.Peer;

namespace WebChat.Bench.Engines;

/// <summary>
/// Part 2 of bench engines: two llama-server replicas of the same model (same alias) behind one WebChat, 8 conversations
/// on the chat page at once, two turns each. Which replica served each request comes from the replicas' own logs
/// ("processing task"); whether a second turn reused the first turn's prompt comes from their /slots
/// (the prompt tokens the slot holding that conversation did not have to process).
/// </summary>
internal static partial class ReplicaBench
{
    private const int Conversations = 8;
    private const int ParallelPerReplica = 4;
    private const int ContextPerSequence = 2048;

    public static async Task<ReplicaResult> RunAsync(string binary, string model, string alias, IBrowser browser, int answerTokens)
    {
        // One thread each: the two replicas share the machine's two cores, as two GPU boxes would not.
        await using var a = await LlamaServer.StartAsync(binary, model, alias, 1, ParallelPerReplica, ContextPerSequence, slotPrompts: true);
        await using var b = await LlamaServer.StartAsync(binary, model, alias, 1, ParallelPerReplica, ContextPerSequence, slotPrompts: true);
        LlamaServer[] replicas = [a, b];
        await using var webChat = await RemoteWebChat.StartAsync(replicas, answerTokens);
        var pages = new List<IPage>();
        for (var i = 0; i < Conversations; i++)
        {
            pages.Add(await webChat.OpenChatAsync(browser, $"conversation{i}@bench.test", alias));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var result = new ReplicaResult();
        await Task.WhenAll(pages.Select(ChatPageStream.NewChatAsync));
        foreach (var turn in new[] { 1, 2 })
        {
            var logStart = replicas.Select(r => r.Log.Count).ToArray();
            var answers = await Task.WhenAll(pages.Select((page, i) => ChatPageStream.SendAsync(page, turn == 1
                ? $"Conversation {i}. " + LlamaServerPeerBench.Text(150)
                : $"Conversation {i}, second turn: and then what happened?")));
            result.Completed.Add(answers.Count(x => x.Completed));
            result.RequestsPerReplica.Add([.. replicas.Select((r, i) => r.Log.Skip(logStart[i]).Count(line => line.Contains("processing task", StringComparison.Ordinal)))]);
            for (var i = 0; i < replicas.Length; i++)
            {
                foreach (var slot in await SlotsAsync(http, replicas[i]))
                {
                    if (ConversationOf(slot.Prompt) is { } conversation)
                    {
                        result.Seen.Add(new SlotSeen(turn, conversation, i, slot.PromptTokens, slot.CachedTokens, slot.Prompt[..Math.Min(160, slot.Prompt.Length)]));
                    }
                }
            }

            Console.WriteLine($"  replicas: turn {turn} of {Conversations} conversations done, requests per replica {string.Join(" / ", result.RequestsPerReplica[^1])}");
        }

        return result;
    }

    private static async Task<IReadOnlyList<(string Prompt, int PromptTokens, int CachedTokens)>> SlotsAsync(HttpClient http, LlamaServer server)
    {
        var slots = JsonNode.Parse(await http.GetStringAsync(new Uri(server.BaseAddress, "slots")))!.AsArray();
        // A slot's n_prompt_tokens_cache is zeroed when its task ends (slot.reset()); what stays is the tokens it holds
        // (prompt + generated), the generated count and the prompt tokens it had to process: the rest came from the cache.
        return [.. slots.Where(s => s?["prompt"] is not null).Select(s =>
        {
            var held = (int?)s!["n_prompt_tokens"] ?? 0;
            var decoded = (int?)s["next_token"]?[0]?["n_decoded"] ?? 0;
            var processed = (int?)s["n_prompt_tokens_processed"] ?? 0;
            return ((string)s["prompt"]!, held - decoded, Math.Max(0, held - decoded - processed));
        })];
    }

    // The last "Conversation N" in a slot's prompt names whose prompt it holds (a second turn holds the first as well).
    private static int? ConversationOf(string prompt) =>
        ConversationMarker().Matches(prompt) is { Count: > 0 } matches ? int.Parse(matches[^1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"Conversation (\d+)")]
    private static partial Regex ConversationMarker();
}

/// <summary>A slot of a replica after a turn: the conversation its prompt belongs to, its size and the part taken from the cache.</summary>
internal sealed record SlotSeen(int Turn, int Conversation, int Replica, int PromptTokens, int CachedTokens, string PromptStart);

internal sealed class ReplicaResult
{
    /// <summary>Per turn, the requests each replica started (its log's "processing task" lines).</summary>
    public List<int[]> RequestsPerReplica { get; } = [];

    /// <summary>Per turn, the answers that ended Complete on the page.</summary>
    public List<int> Completed { get; } = [];

    public List<SlotSeen> Seen { get; } = [];
}
