using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using WebChat.Services.Chat;
using WebChat.Services.Models;
using WebChat.Services.Presets;
using WebChat.Services.Serving.Engines;
using Microsoft.Extensions.Options;

namespace WebChat.Services.Serving;

/// <summary>Who asks for a model load, and which checks apply: a person's permission, a preset's base model, the memory fit.</summary>
/// <param name="User">The person; null for the server itself (the default model at start, a reload after a crash).</param>
/// <param name="ForPreset">A preset runs on its base model whoever uses it: the offer rules do not apply.</param>
/// <param name="CheckFit">Refuse a model the memory estimate says does not fit.</param>
public sealed record LoadRequest(ClaimsPrincipal? User, bool ForPreset = false, bool CheckFit = true);

/// <summary>
/// The one owner of serving installed models: which are offered to whom (the admin's choice, presets only), which
/// one the in-process engine holds, and the one path that loads a model (permission, preset and fit as inputs;
/// waits for answers in progress, never cuts them off). Loads on demand as Ollama does: a request that finds the
/// engine empty or failed loads the model that crashed, else the admin's default, and waits for it. The chat page,
/// the API, the default model at start and the Library ask it; nothing else loads.
/// </summary>
public sealed partial class ModelServing(
    IDbContextFactory<WebChatDbContext> dbFactory,
    IInferenceEngine engine,
    ModelStore store,
    ModelLibrary library,
    DefaultModel defaultModel,
    PresetService presets,
    RemoteModels remote,
    RoutedChat routed,
    RemoteEngines remoteEngines,
    LocalReplica localReplica,
    IOptions<EnginesOptions> engineOptions,
    ILogger<ModelServing> logger) : IDisposable
{
    public const string WaitExplanation = "Switching waits for answers in progress to finish; they are never cut off.";

    // One load at a time: a switch and an on-demand load never race each other into the engine.
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly Lock _onDemandGate = new();
    private Task? _onDemandLoad;

    /// <summary>The one models folder: installed models' relative paths are resolved against it, by everyone.</summary>
    public string ModelsRoot => store.Root;

    /// <summary>The in-process engine's state.</summary>
    public EngineStatus Status => engine.Status;

    public IDisposable Subscribe(Action<EngineStatus> onChange) => engine.Subscribe(onChange);

    /// <summary>Calls <paramref name="onChange"/> after each health-check round of the remote engines (their models may have come or gone).</summary>
    public IDisposable SubscribeRemote(Action onChange) => remoteEngines.Subscribe(_ => onChange());

    /// <summary>The one answer to "does the engine hold this model?" (loaded or loading).</summary>
    public bool IsLoaded(InstalledModel model) => LoadedModel.Is(engine.Status, PathOf(model));

    public string PathOf(InstalledModel model) => ModelLoadPlan.PathOf(model, ModelsRoot);

    /// <summary>
    /// The models as <paramref name="user"/>'s picker shows them: every installed one, with UserSelectable false for
    /// all while presets are the only choice (admins excepted).
    /// </summary>
    public async Task<IReadOnlyList<ModelChoice>> OfferedAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ModelChoice> local = LocalEnabled ? await library.ChoicesAsync(cancellationToken) : [];
        var choices = local.Concat(await RemoteChoicesAsync(user, cancellationToken)).ToList();
        return !ModelPermissions.CanManage(user) && await presets.IsEnforcedAsync(cancellationToken)
            ? [.. choices.Select(c => c with { UserSelectable = false })]
            : choices;
    }

    /// <summary>Whether someone may use the model directly (not through a preset): admins always, users when it is offered and presets are not the only choice.</summary>
    public async Task<bool> IsOfferedAsync(bool isAdmin, InstalledModel model, CancellationToken cancellationToken = default) =>
        isAdmin || (model.UserSelectable && !await presets.IsEnforcedAsync(cancellationToken));

    public async Task<bool> HasDefaultModelAsync(CancellationToken cancellationToken = default) => await defaultModel.IdAsync(cancellationToken) is not null;

    /// <summary>Whether a message sent now is answered after a load instead of being refused.</summary>
    public static bool LoadsOnDemand(EngineStatus status, bool hasDefaultModel) => status.State switch
    {
        EngineState.Ready or EngineState.Loading => true,
        EngineState.Empty when status.ModelPath is not null => true, // asleep after the idle time
        _ => hasDefaultModel,
    };

    /// <summary>Someone picks a model (the chat's picker, the Library): the one load path, with their permission and the fit checked.</summary>
    /// <summary>A remote model is not loaded: picking it makes it the one this person's messages go to.</summary>
    public async Task SwitchAsync(ClaimsPrincipal user, string modelId, CancellationToken cancellationToken = default)
    {
        if (RemoteModelId.TryParse(modelId, out var remoteModel))
        {
            await ChooseRemoteAsync(user, remoteModel, cancellationToken);
            return;
        }

        await LoadAsync(await FindAsync(modelId, "That model is not installed any more.", cancellationToken), new LoadRequest(user), cancellationToken);
        await RememberChoiceAsync(user, modelId, cancellationToken);
    }

    /// <summary>Loads <paramref name="model"/> unless the engine holds it already; see <see cref="LoadRequest"/> for the checks.</summary>
    public async Task LoadAsync(InstalledModel model, LoadRequest request, CancellationToken cancellationToken = default)
    {
        if (request.User is { } user && !request.ForPreset)
        {
            await EnsureOfferedAsync(user, model, cancellationToken);
        }

        if (IsServing(model))
        {
            return;
        }

        if (request.CheckFit && (await library.ChoicesAsync(cancellationToken)).FirstOrDefault(c => c.Id == model.Id)?.Fit is { Fits: false } fit)
        {
            throw new ModelOperationException($"{ModelDisplayName.Of(model)} does not fit in this machine's memory now: {fit.Explanation}");
        }

        await _loadGate.WaitAsync(cancellationToken);
        try
        {
            if (IsServing(model))
            {
                return; // another request loaded it while this one waited
            }

            await EngineIdle.WaitAsync(engine, EngineIdle.MaxWait, cancellationToken);
            logger.LogInformation("Loading {Model}", ModelDisplayName.Of(model));
            await engine.LoadAsync(ModelLoadPlan.For(model, ModelsRoot), cancellationToken);
        }
        finally
        {
            _loadGate.Release();
        }
    }

    public async Task UnloadAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        await engine.UnloadAsync(cancellationToken);
    }

    /// <summary>
    /// Returns when the engine can take the request: the preset's base model (<paramref name="presetModelId"/>) loaded,
    /// or any model ready, or nothing to load (no default set: the engine then says "no model is loaded" itself).
    /// Cancelling stops this request's wait, not a shared load.
    /// </summary>
    public async Task EnsureReadyAsync(string? presetModelId, CancellationToken cancellationToken)
    {
        if (presetModelId is not null)
        {
            var model = await FindAsync(presetModelId, "The preset's model is not installed any more. Ask your admin.", cancellationToken);
            await LoadAsync(model, new LoadRequest(null, ForPreset: true, CheckFit: false), cancellationToken);
        }

        if (engine.Status.State == EngineState.Ready)
        {
            return;
        }

        Task load;
        lock (_onDemandGate)
        {
            if (_onDemandLoad is null || _onDemandLoad.IsCompleted)
            {
                _onDemandLoad = LoadOnDemandAsync();
            }

            load = _onDemandLoad;
        }

        await load.WaitAsync(cancellationToken);
    }

    /// <summary>Reports the engine's load progress to <paramref name="generation"/> (the chat shows "Loading the model…") until disposed.</summary>
    public IDisposable ShowLoading(ActiveGeneration generation)
    {
        generation.SetModelLoad(LoadProgressOf(engine.Status));
        return engine.Subscribe(status => generation.SetModelLoad(LoadProgressOf(status)));
    }

    /// <summary>The installed model whose file the engine holds (loaded, loading or asleep), if any.</summary>
    public async Task<InstalledModel?> ServedModelAsync(CancellationToken cancellationToken = default)
    {
        if (engine.Status.ModelPath is not { } path || engine.Status.State == EngineState.Failed)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.InstalledModels.AsNoTracking().ToListAsync(cancellationToken);
        return rows.FirstOrDefault(m => PathEquals(PathOf(m), path));
    }

    public void Dispose() => _loadGate.Dispose();

    internal async Task<InstalledModel> FindAsync(string modelId, string missing, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InstalledModels.AsNoTracking().SingleOrDefaultAsync(m => m.Id == modelId, cancellationToken)
            ?? throw new ModelOperationException(missing);
    }

    private async Task EnsureOfferedAsync(ClaimsPrincipal user, InstalledModel model, CancellationToken cancellationToken)
    {
        if (ModelPermissions.CanManage(user))
        {
            return;
        }

        if (await presets.IsEnforcedAsync(cancellationToken))
        {
            throw new ModelAccessDeniedException("An admin made presets the only choice: pick a preset instead of a model.");
        }

        if (!model.UserSelectable)
        {
            throw new ModelAccessDeniedException($"{ModelDisplayName.Of(model)} is not offered to users. Ask your admin.");
        }
    }

    // Loaded, loading, or asleep after the idle time (the engine reloads that file itself on the next request).
    private bool IsServing(InstalledModel model)
    {
        var status = engine.Status;
        return status is { State: EngineState.Ready or EngineState.Loading or EngineState.Empty, ModelPath: { } path } && PathEquals(path, PathOf(model));
    }

    private async Task LoadOnDemandAsync()
    {
        await WaitWhileLoadingAsync();
        var status = engine.Status;
        var needsLoad = status.State == EngineState.Failed || (status.State == EngineState.Empty && status.ModelPath is null);
        if (!needsLoad || await ModelToLoadAsync(status) is not { } model)
        {
            return;
        }

        logger.LogInformation("Loading {Model} on demand (engine was {State})", ModelDisplayName.Of(model), status.State);
        await LoadAsync(model, new LoadRequest(null, CheckFit: false));
    }

    private async Task<InstalledModel?> ModelToLoadAsync(EngineStatus status)
    {
        if (status is { State: EngineState.Failed, ModelPath: { } failedPath })
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var installed = await db.InstalledModels.AsNoTracking().ToListAsync();
            if (installed.FirstOrDefault(m => PathEquals(PathOf(m), failedPath)) is { } crashed)
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

    private static bool PathEquals(string a, string b) => LoadedModel.SamePath(a, b);

    private static double? LoadProgressOf(EngineStatus status) => status.State == EngineState.Loading ? status.LoadProgress : null;
}
