namespace WebChat.Engine;

/// <summary>
/// Callbacks subscribed from any thread. One failing observer (a closed browser circuit, say) is reported and
/// skipped: it must never break the download or the model load that is notifying.
/// </summary>
public sealed class Observers<T>
{
    private readonly Lock _gate = new();
    private readonly List<Action<T>> _observers = [];

    /// <summary>Adds an observer; disposing the handle removes it (twice is harmless).</summary>
    public IDisposable Add(Action<T> observer)
    {
        lock (_gate)
        {
            _observers.Add(observer);
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _observers.Remove(observer);
            }
        });
    }

    /// <summary>Calls every observer with <paramref name="value"/>; an observer's exception goes to <paramref name="onError"/>.</summary>
    public void Notify(T value, Action<Exception> onError)
    {
        Action<T>[] observers;
        lock (_gate)
        {
            observers = [.. _observers];
        }

        foreach (var observer in observers)
        {
            try
            {
                observer(value);
            }
            catch (Exception exception)
            {
                onError(exception);
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
