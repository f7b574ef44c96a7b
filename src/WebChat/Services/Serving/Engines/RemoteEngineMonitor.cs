using WebChat.Services.Nodes;

namespace WebChat.Services.Serving.Engines;

/// <summary>
/// Loads the remote engines at start, again when an admin on another node changes them, and runs their health checks
/// in the background, each on its own interval and backoff.
/// </summary>
public sealed class RemoteEngineMonitor(RemoteEngines engines, INodeSignals signals, TimeProvider time, ILogger<RemoteEngineMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var changedElsewhere = signals.Subscribe(RemoteEngineAdmin.ChangedChannel, _ => ReloadInBackground(stoppingToken));
        try
        {
            await engines.ReloadAsync(stoppingToken);
            // Ticks well inside the interval, so an engine is seen down (or back) within one interval of it happening.
            var tick = TimeSpan.FromTicks(Math.Clamp(engines.Options.HealthInterval.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
            while (!stoppingToken.IsCancellationRequested)
            {
                await engines.CheckDueAsync(stoppingToken);
                await Task.Delay(tick, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app stops.
        }
        catch (Exception e)
        {
            logger.LogError(e, "The remote engines' health checks stopped");
        }
    }

    private void ReloadInBackground(CancellationToken stoppingToken) => _ = ReloadAsync(stoppingToken);

    private async Task ReloadAsync(CancellationToken stoppingToken)
    {
        try
        {
            await engines.ReloadAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not read the remote engines again after a change on another node");
        }
    }
}
