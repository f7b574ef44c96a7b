namespace WebChat.Bench.Engines;

/// <summary>
/// What llama-server itself measured while one side's answer ran (its /metrics counters before and after): the time
/// it spent on the prompt and its own decode speed. The same for every side means the engine was not slowed, and a
/// path that is slower than direct loses the time outside the engine; lower on one side means that side's work
/// (WebChat, Chromium) took CPU from the engine on this machine.
/// </summary>
internal sealed record EngineView(int Tokens, double PromptMs, double DecodeTokensPerSecond)
{
    private const string Predicted = "llamacpp:tokens_predicted_total";
    private const string PredictedSeconds = "llamacpp:tokens_predicted_seconds_total";
    private const string PromptSeconds = "llamacpp:prompt_seconds_total";

    public static async Task<EngineView> DuringAsync(LlamaServer server, HttpClient http, Func<Task> answer)
    {
        var before = await server.MetricsAsync(http);
        await answer();
        var after = await server.MetricsAsync(http);
        double Delta(string name) => after.GetValueOrDefault(name) - before.GetValueOrDefault(name);
        var tokens = (int)Delta(Predicted);
        var seconds = Delta(PredictedSeconds);
        return new EngineView(tokens, Delta(PromptSeconds) * 1000, seconds > 0 ? tokens / seconds : 0);
    }
}
