using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using WebChat.Engine.Downloads;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services;
using WebChat.Services.Models;

namespace WebChat.Components.Models;

/// <summary>
/// The first-run flow of the chat page: shown while no model is ready and none is installed, or after a download
/// started here until its model is loaded. Admins download the starter model and load it; others are told to ask.
/// </summary>
public partial class FirstRunFlow
{
    private LiveDownloadList? _downloads;
    private string? _error;
    private long? _starterSize;
    private bool _started;
    private bool _canManage;

    [Parameter, EditorRequired] public ClaimsPrincipal User { get; set; } = default!;

    /// <summary>The installed models (the page's list, refreshed through <see cref="OnModelsChanged"/>).</summary>
    [Parameter] public IReadOnlyList<ModelChoice> Models { get; set; } = [];

    [Parameter] public EngineStatus Status { get; set; } = EngineStatus.Empty;

    /// <summary>Raised when a download completed or a model was loaded: the page refreshes its models.</summary>
    [Parameter] public EventCallback OnModelsChanged { get; set; }

    /// <summary>What to show when the flow is not needed.</summary>
    [Parameter] public RenderFragment? ChildContent { get; set; }

    [Inject] private ModelDownloadService DownloadService { get; set; } = default!;
    [Inject] private WebChat.Services.Serving.ModelServing Serving { get; set; } = default!;
    [Inject] private IOptions<StarterModelOptions> StarterModel { get; set; } = default!;

    private bool IsShown => Status.State != EngineState.Ready && (Models.Count == 0 || _started);

    private DownloadView? StarterDownload => _downloads?.Items.FirstOrDefault(d => d.Repo == StarterModel.Value.Repo && d.FileName == StarterModel.Value.File);

    private ModelChoice? LoadableStarter => Models.FirstOrDefault(m => m.Id == $"{StarterModel.Value.Repo}/{StarterModel.Value.File}") ?? (Models.Count > 0 ? Models[0] : null);

    protected override async Task OnInitializedAsync()
    {
        _canManage = ModelPermissions.CanManage(User);
        if (!_canManage)
        {
            return;
        }

        _downloads = new LiveDownloadList(DownloadService, User, InvokeAsync, OnDownloadChangedAsync, error => _error = error.Message);
        await _downloads.LoadAsync();
        _started = StarterDownload is { IsFinished: false };
        if (Models.Count == 0 && RendererInfo.IsInteractive)
        {
            _ = ShowStarterSizeAsync();
        }
    }

    // A hint for the decision, not a step of it: if the Hub does not answer, the card simply shows no size.
    private async Task ShowStarterSizeAsync()
    {
        var starter = StarterModel.Value;
        _starterSize = await DownloadService.SizeOnHubAsync(starter.Repo, starter.File, starter.Revision);
        await InvokeAsync(StateHasChanged);
    }

    private async Task DownloadAsync()
    {
        _started = true;
        var starter = StarterModel.Value;
        _error = (await UserErrors.TryAsync(() => DownloadService.StartAsync(User, starter.Repo, starter.File, starter.Revision)))?.Message;
    }

    private async Task LoadAsync(string modelId)
    {
        _error = (await UserErrors.TryAsync(() => Serving.SwitchAsync(User, modelId)))?.Message;
        await OnModelsChanged.InvokeAsync();
    }

    private Task PauseAsync(DownloadView download) => ActAsync(downloads => downloads.PauseAsync(download));

    private Task ResumeAsync(DownloadView download) => ActAsync(downloads => downloads.ResumeAsync(download));

    private Task CancelAsync(DownloadView download) => ActAsync(downloads => downloads.CancelAsync(download));

    private Task ActAsync(Func<LiveDownloadList, Task> action)
    {
        _error = null;
        return _downloads is null ? Task.CompletedTask : action(_downloads);
    }

    private async Task OnDownloadChangedAsync(DownloadView download)
    {
        if (download.State == DownloadState.Completed)
        {
            await OnModelsChanged.InvokeAsync();
        }

        StateHasChanged();
    }

    public void Dispose() => _downloads?.Dispose();
}
