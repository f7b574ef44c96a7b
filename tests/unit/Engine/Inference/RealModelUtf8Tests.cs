using Microsoft.Extensions.Logging.Abstractions;
using WebChat.Engine.Inference;
using static WebChat.Tests.Unit.Engine.Inference.RealModel;

namespace WebChat.Tests.Unit.Engine.Inference;

[Collection(RealModelCollection.Name)]
public sealed class RealModelUtf8Tests
{
    [Fact]
    public async Task A_multi_byte_character_generated_as_byte_tokens_arrives_whole()
    {
        var options = Options();
        var backend = await Loader(options).LoadAsync(Load(), new Progress<double>(), CancellationToken.None);
        var answer = "é€ ok";

        // The tiny vocabulary has no piece for é or €: the tokenizer falls back to one token per UTF-8 byte.
        var script = backend.Tokenize(answer).SkipWhile(t => backend.TokenBytes(t).Length == 0).ToArray();
        Assert.True(script.Count(t => backend.TokenBytes(t).Length == 1 && backend.TokenBytes(t)[0] >= 0x80) >= 5, "é and € are spelled in byte tokens");
        var scripted = new ScriptedAnswerBackend(backend, script);
        await using var scheduler = new Scheduler(scripted, options, TimeProvider.System, NullLogger.Instance);

        var prompt = backend.Tokenize(backend.ApplyTemplate([new ChatTurn(ChatRole.User, "hello")]));
        var reader = scheduler.Submit(new PreparedRequest { PromptTokens = prompt, MaxTokens = script.Length + 1 }, CancellationToken.None);
        var deltas = new List<string>();
        await foreach (var update in reader.ReadAllAsync())
        {
            if (update is TextDelta delta)
            {
                deltas.Add(delta.Text);
            }
        }

        Assert.Equal(answer, string.Concat(deltas).TrimStart(), StringComparer.Ordinal); // SentencePiece spells a leading space
        Assert.DoesNotContain(deltas, d => d.Contains('\uFFFD', StringComparison.Ordinal) || d.Length == 0);
        Assert.Contains("é", deltas);
        Assert.Contains("€", deltas);
    }

    /// <summary>The real backend, except that sampling returns a fixed script (after really sampling) and then the end token.</summary>
    private sealed class ScriptedAnswerBackend(IInferenceBackend inner, int[] script) : IInferenceBackend
    {
        private const int EndMarker = -1;
        private int _next;

        public string ModelName => inner.ModelName;
        public int SequenceCount => inner.SequenceCount;
        public int ContextPerSequence => inner.ContextPerSequence;
        public string TemplateName => inner.TemplateName;
        public string ApplyTemplate(IReadOnlyList<ChatTurn> turns) => inner.ApplyTemplate(turns);
        public int[] Tokenize(string text) => inner.Tokenize(text);
        public byte[] TokenBytes(int token) => inner.TokenBytes(token);
        public bool IsEndOfGeneration(int token) => token == EndMarker || inner.IsEndOfGeneration(token);
        public void Prompt(int sequence, ReadOnlySpan<int> tokens) => inner.Prompt(sequence, tokens);
        public void Truncate(int sequence, int keep) => inner.Truncate(sequence, keep);
        public DecodeOutcome Decode() => inner.Decode();
        public void ResetSampler(int sequence, SamplingOptions sampling) => inner.ResetSampler(sequence, sampling);
        public void Reset() => inner.Reset();
        public void Dispose() => inner.Dispose();

        public int Sample(int sequence)
        {
            inner.Sample(sequence);
            return _next < script.Length ? script[_next++] : EndMarker;
        }
    }
}
