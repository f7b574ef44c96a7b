using System.Text;
using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference;

/// <summary>
/// A backend without a model: a token is a character (or a raw byte from 1000 up), the answer is a script, and
/// every decode is recorded so tests can assert what each batch held.
/// </summary>
internal sealed class FakeInferenceBackend(int sequences = 2, int contextPerSequence = 4096) : IInferenceBackend
{
    public const int EndOfGeneration = 2;
    public const int FirstByteToken = 1000;

    private readonly Dictionary<int, int> _queued = [];
    private readonly Dictionary<int, int> _answerPosition = [];

    public string ModelName => "fake";
    public int SequenceCount => sequences;
    public int ContextPerSequence => contextPerSequence;
    public string TemplateName => "fake-template";

    /// <summary>A prompt starting with this character is answered "x" forever, whatever <see cref="Answer"/> says.</summary>
    public const char Endless = '∞';

    /// <summary>Tokens each sample returns in order, then end of generation; null answers "x" forever.</summary>
    public IReadOnlyList<int>? Answer { get; set; } = Chars("Hello!");

    /// <summary>Run before every decode, on the scheduler's thread; lets a test hold the loop between steps.</summary>
    public Action? BeforeDecode { get; set; }

    /// <summary>How many of the next decodes report a full KV cache.</summary>
    public int FailNextDecodes { get; set; }

    public List<IReadOnlyDictionary<int, int>> Batches { get; } = [];
    public List<int>[] Kv { get; } = Enumerable.Range(0, sequences).Select(_ => new List<int>()).ToArray();
    public Dictionary<int, SamplingOptions> Samplers { get; } = [];
    public bool Disposed { get; private set; }
    public int Resets { get; private set; }

    public static int[] Chars(string text) => text.Select(c => (int)c).ToArray();

    public string ApplyTemplate(IReadOnlyList<ChatTurn> turns) =>
        string.Concat(turns.Select(t => $"<{t.Role}>{t.Content}")) + "<Assistant>";

    public int[] Tokenize(string text) => Chars(text);

    public byte[] TokenBytes(int token) => token >= FirstByteToken
        ? [(byte)(token - FirstByteToken)]
        : Encoding.UTF8.GetBytes(((char)token).ToString());

    public bool IsEndOfGeneration(int token) => token == EndOfGeneration;

    public void Prompt(int sequence, ReadOnlySpan<int> tokens)
    {
        Kv[sequence].AddRange(tokens);
        _queued[sequence] = _queued.GetValueOrDefault(sequence) + tokens.Length;
    }

    public void Truncate(int sequence, int keep) => Kv[sequence].RemoveRange(keep, Kv[sequence].Count - keep);

    public DecodeOutcome Decode()
    {
        if (BeforeDecode is { } before)
        {
            before();
        }
        else
        {
            // A step takes a moment, as a real one does, so endless answers do not race to the context limit.
            Thread.Sleep(1);
        }

        if (FailNextDecodes > 0)
        {
            FailNextDecodes--;
            return DecodeOutcome.NoKvSlot;
        }

        Batches.Add(new Dictionary<int, int>(_queued));
        _queued.Clear();
        return DecodeOutcome.Ok;
    }

    public void ResetSampler(int sequence, SamplingOptions sampling)
    {
        Samplers[sequence] = sampling;
        _answerPosition[sequence] = 0;
    }

    public int Sample(int sequence)
    {
        if (Answer is null || Kv[sequence] is [Endless, ..])
        {
            return 'x';
        }

        var position = _answerPosition[sequence]++;
        return position < Answer.Count ? Answer[position] : EndOfGeneration;
    }

    public void Reset()
    {
        Resets++;
        _queued.Clear();
        foreach (var kv in Kv)
        {
            kv.Clear();
        }
    }

    public void Dispose() => Disposed = true;
}
