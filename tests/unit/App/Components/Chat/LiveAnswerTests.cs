using Bunit;
using Microsoft.Extensions.Time.Testing;
using WebChat.Components.Chat;
using WebChat.Services.Chat;
using WebChat.Services.Markdown;
using WebChat.Tests.Support.Metrics;
using WebChat.Tests.Unit.App.Components;
using WebChat.Tests.Unit.App.Services.Markdown;

namespace WebChat.Tests.Unit.App.Components.Chat;

public class LiveAnswerTests : MudComponentTestContext
{
    private readonly FakeTimeProvider _time = new();
    private readonly ActiveGeneration _generation = new("alice", Guid.NewGuid(), Guid.NewGuid());
    private readonly CountingRenderer _renderer = new();

    private IRenderedComponent<LiveAnswer> RenderAnswer(Action? onFinished = null, int intervalMs = 20) => Render<LiveAnswer>(ps => ps
        .Add(p => p.Generation, _generation)
        .Add(p => p.Renderer, _renderer)
        .Add(p => p.Time, _time)
        .Add(p => p.RenderInterval, TimeSpan.FromMilliseconds(intervalMs))
        .Add(p => p.OnFinished, onFinished ?? (() => { })));

    [Fact]
    public void Text_arriving_within_one_interval_is_shown_in_one_render()
    {
        var cut = RenderAnswer();

        foreach (var token in new[] { "Hello", " there", ", ", "**friend**" })
        {
            _generation.Append(token);
        }

        Assert.DoesNotContain("strong", cut.Markup, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        cut.WaitForAssertion(() => Assert.Equal("friend", cut.Find("strong").TextContent));
        // The first token renders at once; the three after it, inside the interval, share one render.
        Assert.Equal(["Hello", "Hello there, **friend**"], _renderer.Inputs.Where(i => i.Length > 0));
    }

    [Fact]
    public void Each_render_records_how_long_its_oldest_text_waited_on_the_server()
    {
        // The meter is process-wide; an interval no other test uses tells this test's measurements apart.
        using var lags = new HistogramRecorder(ChatMetrics.LiveRenderLagMilliseconds);
        var cut = RenderAnswer(intervalMs: 37);

        _generation.Append("First"); // renders at once
        _time.Advance(TimeSpan.FromMilliseconds(5));
        _generation.Append(" second"); // waits for the interval: 32 ms more
        _time.Advance(TimeSpan.FromMilliseconds(10));
        _generation.Append(" third"); // shares that render; the lag counts from " second"
        _time.Advance(TimeSpan.FromMilliseconds(22));

        cut.WaitForAssertion(() => Assert.Contains("third", cut.Markup, StringComparison.Ordinal));
        Assert.Contains(32.0, lags.Values);
    }

    [Fact]
    public void A_tab_that_opens_mid_answer_shows_the_text_written_so_far()
    {
        _generation.Append("Already written. ");

        var cut = RenderAnswer();

        Assert.Contains("Already written.", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void The_queue_position_is_shown_while_waiting()
    {
        var cut = RenderAnswer();

        _generation.SetQueuePosition(3);

        cut.WaitForAssertion(() => Assert.Contains("Waiting: 2 ahead of you", cut.Find("[data-testid=queue-position]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void The_queue_position_is_updated_live_and_goes_when_the_answer_starts()
    {
        var cut = RenderAnswer();
        _generation.SetQueuePosition(3);
        cut.WaitForAssertion(() => Assert.Contains("2 ahead of you", cut.Find("[data-testid=queue-position]").TextContent, StringComparison.Ordinal));

        _generation.SetQueuePosition(1);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        cut.WaitForAssertion(() => Assert.Contains("you are next", cut.Find("[data-testid=queue-position]").TextContent, StringComparison.Ordinal));
        _generation.Append("Started.");
        _time.Advance(TimeSpan.FromMilliseconds(20));

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=queue-position]")));
    }

    [Fact]
    public void The_page_is_told_once_when_the_answer_is_finished()
    {
        var finished = 0;
        var cut = RenderAnswer(() => finished++);

        _generation.Append("Done.");
        _generation.MarkFinished();
        _time.Advance(TimeSpan.FromMilliseconds(100));

        cut.WaitForAssertion(() => Assert.Equal(1, finished));
    }
}
