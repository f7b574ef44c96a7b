using WebChat.Services.Api;
using WebChat.Services.Chat;

namespace WebChat.Services.Accounts;

/// <summary>
/// Stops the answers being written for an account once it may no longer act (disabled or deleted): its running and
/// queued chat answers end as stopped with <see cref="Reason"/>, and its API requests end the same way. Without this an
/// answer went on being written, and paid for, after the admin disabled the account.
/// </summary>
public sealed class AccountAnswerStops(
    AccountRevocations revocations,
    IUserAccessState access,
    GenerationRegistry chatAnswers,
    ILogger<AccountAnswerStops> logger,
    ApiGenerations? apiAnswers = null) : IHostedService, IDisposable
{
    public const string Reason = "Stopped: this account was disabled by an administrator.";

    private readonly Lock _gate = new();
    private IDisposable? _subscription;
    private Task _checks = Task.CompletedTask;

    /// <summary>Completes when the checks started so far have run (for tests).</summary>
    public Task Idle
    {
        get
        {
            lock (_gate)
            {
                return _checks;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = revocations.Subscribe(OnAccountChanged);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _subscription?.Dispose();

    // Called on the thread that committed the change: the check runs apart so the admin's action does not wait on it.
    private void OnAccountChanged(string userId)
    {
        lock (_gate)
        {
            _checks = Task.WhenAll(_checks, Task.Run(() => StopIfBarredAsync(userId)));
        }
    }

    private async Task StopIfBarredAsync(string userId)
    {
        try
        {
            // Answers first: most changes (a new account, a role) come with none, and the access state must not be read
            // then: a change published inside its transaction would cache what the uncommitted row looks like from outside.
            var chat = chatAnswers.OfUser(userId);
            if ((chat.Count == 0 && apiAnswers?.HasAny(userId) != true) || await access.IsActiveAsync(userId))
            {
                return;
            }

            var stopped = 0;
            foreach (var answer in chat)
            {
                answer.Stop(Reason);
                stopped++;
            }

            stopped += apiAnswers?.StopAllOf(userId, Reason) ?? 0;
            if (stopped > 0)
            {
                logger.LogInformation("Stopped {Count} answer(s) of account {UserId}, which may no longer act", stopped, userId);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not stop the answers of account {UserId}", userId);
        }
    }
}
