using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using WebChat.Engine.Inference;
using static WebChat.Tests.Unit.Engine.Inference.ChatUpdateStreams;

namespace WebChat.Tests.Unit.Engine.Inference;

public sealed class SchedulerFairnessTests
{
    private static Scheduler CreateScheduler(FakeInferenceBackend backend, int running = 2, int queued = 4, int queueLimit = 32) =>
        new(backend, new InferenceOptions { PrefillChunkTokens = 64, QueueLimit = queueLimit, MaxRunningPerUser = running, MaxQueuedPerUser = queued },
            TimeProvider.System, NullLogger.Instance);

    private static PreparedRequest Request(string prompt, string? user, UserShare? share = null) => new()
    {
        PromptTokens = FakeInferenceBackend.Chars(prompt),
        UserKey = user,
        Share = share,
        Template = "fake-template",
        Model = "fake",
    };

    // Records which prompt each sequence holds when a decode starts, by its first character, once per start.
    private static List<char> RecordStarts(FakeInferenceBackend backend)
    {
        var starts = new List<char>();
        var held = new int[backend.SequenceCount];
        backend.BeforeDecode = () =>
        {
            for (var i = 0; i < backend.SequenceCount; i++)
            {
                var first = backend.Kv[i].Count > 0 ? backend.Kv[i][0] : 0;
                if (first != 0 && held[i] != first)
                {
                    lock (starts)
                    {
                        starts.Add((char)first);
                    }
                }

                held[i] = first;
            }

            Thread.Sleep(1);
        };
        return starts;
    }

    [Fact]
    public async Task A_light_users_request_is_served_before_the_heavy_users_queued_ones()
    {
        var backend = new FakeInferenceBackend(sequences: 1) { Answer = FakeInferenceBackend.Chars("ok") };
        var starts = RecordStarts(backend);
        await using var scheduler = CreateScheduler(backend, running: 1);
        using var stopHeavy = new CancellationTokenSource();
        var heavy1 = scheduler.Submit(Request("∞1", "heavy"), stopHeavy.Token);
        await heavy1.ReadAsync();
        var heavy2 = scheduler.Submit(Request("A", "heavy"), CancellationToken.None);
        var heavy3 = scheduler.Submit(Request("B", "heavy"), CancellationToken.None);
        Assert.Equal(new QueuePosition(1), await heavy2.ReadAsync());
        Assert.Equal(new QueuePosition(2), await heavy3.ReadAsync());

        var light = scheduler.Submit(Request("L", "light"), CancellationToken.None);

        // The light user goes to the front, and the heavy user's waiting requests learn they moved back.
        Assert.Equal(new QueuePosition(1), await light.ReadAsync());
        Assert.Equal(new QueuePosition(2), await heavy2.ReadAsync());
        Assert.Equal(new QueuePosition(3), await heavy3.ReadAsync());
        await stopHeavy.CancelAsync();
        await Task.WhenAll(ReadAllAsync(heavy1), ReadAllAsync(heavy2), ReadAllAsync(heavy3), ReadAllAsync(light));
        Assert.Equal(['∞', 'L', 'A', 'B'], starts);
    }

    [Fact]
    public async Task Users_take_turns_rather_than_being_served_in_arrival_order()
    {
        var backend = new FakeInferenceBackend(sequences: 1) { Answer = FakeInferenceBackend.Chars("ok") };
        var starts = RecordStarts(backend);
        await using var scheduler = CreateScheduler(backend, running: 1, queued: 8);
        using var stopFirst = new CancellationTokenSource();
        var first = scheduler.Submit(Request("∞", "someone"), stopFirst.Token);
        await first.ReadAsync();
        var queued = new[] { ("A", "a"), ("B", "a"), ("C", "a"), ("X", "b"), ("Y", "b"), ("P", "c") }
            .Select(r => scheduler.Submit(Request(r.Item1, r.Item2), CancellationToken.None))
            .ToList();
        foreach (var reader in queued)
        {
            Assert.IsType<QueuePosition>(await reader.ReadAsync());
        }

        await stopFirst.CancelAsync();
        await Task.WhenAll(queued.Append(first).Select(ReadAllAsync));

        Assert.Equal(['∞', 'A', 'X', 'P', 'B', 'Y', 'C'], starts);
    }

    [Fact]
    public async Task A_user_at_their_running_limit_waits_while_a_sequence_stays_free_for_others()
    {
        var backend = new FakeInferenceBackend(sequences: 2) { Answer = null };
        await using var scheduler = CreateScheduler(backend, running: 1);
        using var stop = new CancellationTokenSource();
        var first = scheduler.Submit(Request("a", "heavy"), stop.Token);
        await first.ReadAsync();
        var second = scheduler.Submit(Request("b", "heavy"), stop.Token);

        Assert.Equal(new QueuePosition(1), await second.ReadAsync());
        var other = scheduler.Submit(Request("c", "light"), stop.Token);
        Assert.IsType<TextDelta>(await other.ReadAsync());

        Assert.Equal(2, scheduler.ActiveSequences);
        Assert.Equal(1, scheduler.QueuedRequests);
        await stop.CancelAsync();
        await Task.WhenAll(ReadAllAsync(first), ReadAllAsync(second), ReadAllAsync(other));
    }

    [Fact]
    public async Task A_user_beyond_their_share_is_refused_at_once_while_others_and_raised_shares_are_admitted()
    {
        var backend = new FakeInferenceBackend(sequences: 1) { Answer = null };
        await using var scheduler = CreateScheduler(backend, running: 1, queued: 2);
        using var stop = new CancellationTokenSource();
        var admitted = Enumerable.Range(0, 3).Select(i => scheduler.Submit(Request("h" + i, "heavy"), stop.Token)).ToList();

        var refused = Assert.Throws<UserBusyException>(() => scheduler.Submit(Request("h3", "heavy"), stop.Token));

        Assert.Equal(3, refused.Limit);
        Assert.Contains("3 answers", refused.Message, StringComparison.Ordinal);
        admitted.Add(scheduler.Submit(Request("l", "light"), stop.Token));
        admitted.Add(scheduler.Submit(Request("h3", "heavy", new UserShare(1, 3)), stop.Token));
        admitted.Add(scheduler.Submit(Request("anonymous", null), stop.Token));
        await stop.CancelAsync();
        await Task.WhenAll(admitted.Select(ReadAllAsync));

        // Finished requests give their places back.
        var again = await ReadAllAsync(scheduler.Submit(Request("h4", "heavy") with { MaxTokens = 1 }, CancellationToken.None));
        Assert.Equal(FinishReason.Length, Assert.IsType<ChatSummary>(again.Last()).FinishReason);
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_frees_its_place_in_the_users_share()
    {
        var backend = new FakeInferenceBackend(sequences: 1) { Answer = null };
        await using var scheduler = CreateScheduler(backend, running: 1, queued: 1);
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var first = scheduler.Submit(Request("a", "u"), stopFirst.Token);
        var second = scheduler.Submit(Request("b", "u"), stopSecond.Token);
        Assert.Equal(new QueuePosition(1), await second.ReadAsync());

        await stopSecond.CancelAsync();
        var secondUpdates = await ReadAllAsync(second);

        Assert.Equal(FinishReason.Cancelled, Assert.IsType<ChatSummary>(secondUpdates.Last()).FinishReason);
        var third = scheduler.Submit(Request("c", "u"), stopFirst.Token);
        await stopFirst.CancelAsync();
        await Task.WhenAll(ReadAllAsync(first), ReadAllAsync(third));
    }
}
