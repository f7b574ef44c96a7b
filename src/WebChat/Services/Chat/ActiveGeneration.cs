using System.Text;
using WebChat.Engine;

namespace WebChat.Services.Chat;

/// <summary>
/// An answer being written. It runs detached from any browser tab: tabs subscribe to it and read the text
/// from the offset they have shown; closing or reloading a tab neither stops nor loses it.
/// </summary>
public sealed partial class ActiveGeneration : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private readonly Observers<ActiveGeneration> _observers = new();
    private readonly Action<Exception> _onObserverError;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="onObserverError">Told when a subscriber throws (a closed tab, say); the answer and the other tabs go on.</param>
    public ActiveGeneration(string userId, Guid conversationId, Guid messageId, Action<Exception>? onObserverError = null)
    {
        _onObserverError = onObserverError ?? (_ => { });
        UserId = userId;
        ConversationId = conversationId;
        MessageId = messageId;
    }

    public string UserId { get; }
    public Guid ConversationId { get; }
    public Guid MessageId { get; }

    /// <summary>Place in the engine's queue while waiting; null once generating.</summary>
    public int? QueuePosition { get; private set; }

    /// <summary>Progress (0..1) of the model load this answer waits for; null when no load is under way.</summary>
    public double? ModelLoadProgress { get; private set; }

    public bool IsStopRequested => _stop.IsCancellationRequested;

    /// <summary>The user's quota slot for this answer; released when the generation is disposed.</summary>
    internal IDisposable? QuotaLease { get; set; }

    /// <summary>With several nodes: this node's lock on the answer, so the others know it is alive; released on dispose.</summary>
    internal IDisposable? NodeLock { get; set; }

    /// <summary>Completes after the final state is in the database.</summary>
    public Task Finished => _finished.Task;

    internal CancellationToken StopToken => _stop.Token;

    public int Length
    {
        get
        {
            lock (_gate)
            {
                return _text.Length;
            }
        }
    }

    /// <summary>The text from <paramref name="offset"/> to the current end.</summary>
    public string ReadFrom(int offset)
    {
        lock (_gate)
        {
            return offset >= _text.Length ? "" : _text.ToString(offset, _text.Length - offset);
        }
    }

    /// <summary>Why the answer was stopped when it was not the person's own Stop; stored as the message's error.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Asks the engine to stop; the partial answer is kept and marked stopped.</summary>
    public void Stop() => Stop(null);

    /// <summary>Stops the answer for <paramref name="reason"/> (e.g. the account was disabled), kept with it.</summary>
    public void Stop(string? reason)
    {
        StopReason ??= reason;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished: nothing to stop.
        }
    }

    /// <summary>Calls <paramref name="onChange"/> (on the generation's thread) after new text, a queue move, or the end.</summary>
    public IDisposable Subscribe(Action onChange) => _observers.Add(_ => onChange());

    internal void Append(string delta)
    {
        lock (_gate)
        {
            _text.Append(delta);
            QueuePosition = null;
        }

        Notify();
    }

    internal void SetModelLoad(double? progress)
    {
        if (ModelLoadProgress == progress)
        {
            return;
        }

        ModelLoadProgress = progress;
        Notify();
    }

    internal void SetQueuePosition(int position)
    {
        QueuePosition = position;
        Notify();
    }

    internal void MarkFinished()
    {
        _finished.TrySetResult();
        Notify();
    }

    public void Dispose()
    {
        QuotaLease?.Dispose();
        NodeLock?.Dispose();
        _stop.Dispose();
    }

    private void Notify() => _observers.Notify(this, _onObserverError);
}
