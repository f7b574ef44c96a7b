namespace WebChat.Components.Pages.Chat;

/// <summary>
/// Follows an answer that another app node is writing (several nodes on one PostgreSQL database): that node saves the
/// text at every flush interval and keeps the answer's lock, so this page reads the stored copy again at the same
/// pace until <paramref name="refresh"/> says the answer is no longer being written elsewhere.
/// </summary>
internal sealed class StoredAnswerFollower(TimeSpan interval, Func<Task<bool>> refresh) : IDisposable
{
    private CancellationTokenSource? _following;

    public bool IsFollowing => _following is not null;

    /// <summary>Starts reading again every interval, unless it already does.</summary>
    public void Follow()
    {
        if (_following is null)
        {
            _following = new CancellationTokenSource();
            _ = FollowAsync(_following.Token);
        }
    }

    public void Stop()
    {
        _following?.Cancel();
        _following?.Dispose();
        _following = null;
    }

    public void Dispose() => Stop();

    private async Task FollowAsync(CancellationToken token)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(token) && await TryRefreshAsync())
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // A read that fails (the shared database restarting) is tried again at the next tick.
    private async Task<bool> TryRefreshAsync()
    {
        try
        {
            return await refresh();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return true;
        }
    }
}
