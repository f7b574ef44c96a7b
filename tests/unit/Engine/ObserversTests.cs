using WebChat.Engine;

namespace WebChat.Tests.Unit.Engine;

public sealed class ObserversTests
{
    [Fact]
    public void A_failing_observer_is_reported_and_the_others_still_hear_the_value()
    {
        var observers = new Observers<int>();
        var heard = new List<int>();
        var errors = new List<Exception>();
        using var failing = observers.Add(_ => throw new ObjectDisposedException("circuit"));
        using var listening = observers.Add(heard.Add);

        observers.Notify(7, errors.Add);

        Assert.Equal([7], heard);
        Assert.IsType<ObjectDisposedException>(Assert.Single(errors));
    }

    [Fact]
    public void A_disposed_subscription_hears_nothing_more_and_disposing_twice_is_harmless()
    {
        var observers = new Observers<string>();
        var heard = new List<string>();
        var subscription = observers.Add(heard.Add);

        observers.Notify("before", _ => { });
        subscription.Dispose();
        subscription.Dispose();
        observers.Notify("after", _ => { });

        Assert.Equal(["before"], heard);
    }
}
