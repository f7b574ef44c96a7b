using WebChat.Services.Serving;

namespace WebChat.Services.Models;

/// <summary>Loads the default model when the app starts, in the background: the app answers pages meanwhile.</summary>
public sealed class DefaultModelStartup(ModelServing serving, ILogger<DefaultModelStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await serving.EnsureReadyAsync(null, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down before the load finished.
        }
        catch (Exception ex)
        {
            // The next chat request tries again and shows the reason to the person who asked.
            logger.LogError(ex, "The default model could not be loaded at start");
        }
    }
}
