using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;

namespace WebChat.Services.Models;

/// <summary>
/// Loads a model on demand, as Ollama does: when a request finds the engine empty (never loaded, unloaded) or
/// failed (a crash), it loads the model that crashed if it is still installed, else the admin's default model,
/// and the request waits for it instead of being refused. Requests that arrive meanwhile share the one load.
/// </summary>
public sealed class DefaultModelLoader(
    IDbContextFactory<WebChatDbContext> dbFactory,
    DefaultModel defaultModel,
    IInferenceEngine engine,
    IOptions<WebChatOptions> options,
    ILogger<DefaultModelLoader> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private Task? _loading;
    private readonly SemaphoreSlim _switchGate = new(1, 1);

    /// <summary>
    /// Returns when a model is ready, or when there is nothing to load (no default set): the engine then says
    /// "no model is loaded" itself. Cancelling stops this request's wait, not the shared load.
    /// </summary>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken, string? wantedModelId = null)
    {
        if (wantedModelId is not null)
        {
            await SwitchToAsync(wantedModelId, cancellationToken);
        }

        if (engine.Status.State == EngineState.Ready)
        {
            return;
        }

        Task load;
        lock (_gate)
        {
            if (_loading is null || _loading.IsCompleted)
            {
                _loading = LoadIfNeededAsync();
            }

            load = _loading;
        }

        await load.WaitAsync(cancellationToken);
    }

    /// <summary>Reports the engine's load progress to <paramref name="generation"/> (the chat shows "Loading the model…") until disposed.</summary>
    public IDisposable ShowLoading(ActiveGeneration generation)
    {
        generation.SetModelLoad(LoadProgressOf(engine.Status));
        return engine.Subscribe(status => generation.SetModelLoad(LoadProgressOf(status)));
    }

    // A preset runs on its own base model: load it unless it is the one loaded (or asleep), waiting for answers in progress.
    private async Task SwitchToAsync(string modelId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = await db.InstalledModels.AsNoTracking().SingleOrDefaultAsync(m => m.Id == modelId, cancellationToken)
            ?? throw new ModelOperationException("The preset's model is not installed any more. Ask your admin.");
        var path = ModelLoadPlan.PathOf(model, options.Value.ModelsDirectory);
        var status = engine.Status;
        if (status is { State: EngineState.Ready or EngineState.Loading or EngineState.Empty, ModelPath: { } loaded }
            && string.Equals(Path.GetFullPath(loaded), path, StringComparison.Ordinal))
        {
            return;
        }

        await _switchGate.WaitAsync(cancellationToken);
        try
        {
            status = engine.Status;
            if (status.ModelPath is { } now && status.State != EngineState.Failed && string.Equals(Path.GetFullPath(now), path, StringComparison.Ordinal))
            {
                return;
            }

            await EngineIdle.WaitAsync(engine, EngineIdle.MaxWait, cancellationToken);
            logger.LogInformation("Loading {Model} for a preset", ModelDisplayName.Of(model));
            await engine.LoadAsync(ModelLoadPlan.For(model, options.Value.ModelsDirectory), cancellationToken);
        }
        finally
        {
            _switchGate.Release();
        }
    }

    public void Dispose() => _switchGate.Dispose();

    private static double? LoadProgressOf(EngineStatus status) => status.State == EngineState.Loading ? status.LoadProgress : null;

    private async Task LoadIfNeededAsync()
    {
        await WaitWhileLoadingAsync();
        var status = engine.Status;
        // Empty with a path: asleep after the idle time; the engine reloads that model itself on the request.
        var needsLoad = status.State == EngineState.Failed || (status.State == EngineState.Empty && status.ModelPath is null);
        if (!needsLoad || await ModelToLoadAsync(status) is not { } model)
        {
            return;
        }

        logger.LogInformation("Loading {Model} on demand (engine was {State})", ModelDisplayName.Of(model), status.State);
        await engine.LoadAsync(ModelLoadPlan.For(model, options.Value.ModelsDirectory));
    }

    private async Task<InstalledModel?> ModelToLoadAsync(EngineStatus status)
    {
        if (status is { State: EngineState.Failed, ModelPath: { } failedPath })
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var installed = await db.InstalledModels.AsNoTracking().ToListAsync();
            var crashed = installed.FirstOrDefault(m =>
                string.Equals(ModelLoadPlan.PathOf(m, options.Value.ModelsDirectory), Path.GetFullPath(failedPath), StringComparison.Ordinal));
            if (crashed is not null)
            {
                return crashed;
            }
        }

        return await defaultModel.FindAsync();
    }

    private async Task WaitWhileLoadingAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = engine.Subscribe(status =>
        {
            if (status.State != EngineState.Loading)
            {
                done.TrySetResult();
            }
        });
        if (engine.Status.State != EngineState.Loading)
        {
            return;
        }

        await done.Task;
    }
}
