using Microsoft.Extensions.Time.Testing;
using WebChat.Components.Chat;

namespace WebChat.Tests.Unit.App.Components.Chat;

public class RenderCoalescerTests
{
    private readonly FakeTimeProvider _time = new();
    private int _renders;

    private RenderCoalescer Create() => new(TimeSpan.FromMilliseconds(20), _time, () =>
    {
        Interlocked.Increment(ref _renders);
        return Task.CompletedTask;
    });

    [Fact]
    public void The_first_change_after_a_quiet_interval_renders_at_once()
    {
        var coalescer = Create();

        coalescer.Request();

        Assert.Equal(1, _renders);
    }

    [Fact]
    public void A_burst_of_changes_within_the_interval_shares_one_delayed_render()
    {
        var coalescer = Create();
        coalescer.Request();

        for (var i = 0; i < 500; i++)
        {
            coalescer.Request();
        }

        Assert.Equal(1, _renders);
        _time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.Equal(1, _renders);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, _renders);
    }

    [Fact]
    public void A_change_after_the_delayed_render_schedules_another()
    {
        var coalescer = Create();
        coalescer.Request();
        coalescer.Request();
        _time.Advance(TimeSpan.FromMilliseconds(20));

        coalescer.Request();
        _time.Advance(TimeSpan.FromMilliseconds(20));

        Assert.Equal(3, _renders);
    }
}
