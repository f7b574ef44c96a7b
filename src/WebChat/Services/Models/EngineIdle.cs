using WebChat.Engine.Inference;

namespace WebChat.Services.Models;

/// <summary>
/// A model switch never cuts answers off: it waits until the engine has no answer in progress or queued, up to
/// <see cref="MaxWait"/>, and then refuses with the count instead of cancelling them.
/// </summary>
public static class EngineIdle
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(3);

    public static async Task WaitAsync(IInferenceEngine engine, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = engine.Subscribe(status =>
        {
            if (IsIdle(status))
            {
                idle.TrySetResult();
            }
        });
        if (IsIdle(engine.Status))
        {
            return;
        }

        try
        {
            await idle.Task.WaitAsync(maxWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            var status = engine.Status;
            throw new ModelOperationException(
                $"{status.ActiveSequences + status.QueuedRequests} answer(s) are still being written with {status.ModelName}; the switch waits for them and gave up after {maxWait.TotalMinutes:0} minutes. Try again when they finish.");
        }
    }

    private static bool IsIdle(EngineStatus status) => status.State != EngineState.Ready || status is { ActiveSequences: 0, QueuedRequests: 0 };
}
