using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using WebChat.Components.Models;
using WebChat.Data.Entities;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;
using WebChat.Services.Models;

namespace WebChat.Components.Pages.Chat;

// First run: the Get-started card (download the starter model, load it) while no model is installed or the flow is under way.
public partial class ChatPage
{
    private LiveDownloadList? _starterDownloads;
    private string? _starterError;
    private long? _starterSize;
    private bool _starterFlow;

    [Inject] private ModelDownloadService DownloadService { get; set; } = default!;
    [Inject] private IOptions<StarterModelOptions> StarterModel { get; set; } = default!;
    [Inject] private HubClient Hub { get; set; } = default!;

    /// <summary>On a new chat, until a model is ready: always when nothing is installed, and after a download started here until it is loaded.</summary>
    private bool ShowGetStarted => _shownId is null && _engineStatus.State != EngineState.Ready && (_models.Count == 0 || _starterFlow);

    private DownloadView? StarterDownload => _starterDownloads?.Items.FirstOrDefault(d => d.Repo == StarterModel.Value.Repo && d.FileName == StarterModel.Value.File);

    private ModelChoice? LoadableStarter => _models.FirstOrDefault(m => m.Id == $"{StarterModel.Value.Repo}/{StarterModel.Value.File}") ?? (_models.Count > 0 ? _models[0] : null);

    private async Task InitializeGetStartedAsync()
    {
        if (!_isAdmin)
        {
            return;
        }

        _starterDownloads = new LiveDownloadList(DownloadService, InvokeAsync, OnStarterDownloadChangedAsync);
        await _starterDownloads.LoadAsync();
        _starterFlow = StarterDownload is { IsFinished: false };
        if (_models.Count == 0 && RendererInfo.IsInteractive)
        {
            _ = ShowStarterSizeAsync();
        }
    }

    // A hint for the decision, not a step of it: if the Hub does not answer, the card simply shows no size.
    private async Task ShowStarterSizeAsync()
    {
        var starter = StarterModel.Value;
        if (!RepoId.TryParse(starter.Repo, out var repo))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            _starterSize = (await Hub.ResolveFileAsync(repo, starter.Revision, starter.File, timeout.Token)).Size;
            StateHasChanged();
        }
        catch (Exception error) when (error is HubException or OperationCanceledException)
        {
            _starterSize = null;
        }
    }

    private async Task DownloadStarterAsync()
    {
        _starterError = null;
        _starterFlow = true;
        try
        {
            var starter = StarterModel.Value;
            await DownloadService.StartAsync(User, starter.Repo, starter.File, starter.Revision);
        }
        catch (ModelOperationException error)
        {
            _starterError = error.Message;
        }
    }

    private async Task LoadStarterAsync(string modelId)
    {
        _starterError = null;
        try
        {
            await ModelChoices.LoadAsync(User, modelId);
            await RefreshModelsAsync();
        }
        catch (Exception error) when (error is ChatException or EngineException)
        {
            _starterError = error.Message;
        }
    }

    private Task PauseStarterAsync(DownloadView download) => StarterActionAsync(() =>
    {
        DownloadService.Pause(User, download.Id);
        return Task.CompletedTask;
    });

    private Task ResumeStarterAsync(DownloadView download) => StarterActionAsync(() => DownloadService.ResumeAsync(User, download.Id));

    private Task CancelStarterAsync(DownloadView download) => StarterActionAsync(() => DownloadService.CancelAsync(User, download.Id));

    private async Task StarterActionAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (ModelOperationException error)
        {
            _starterError = error.Message;
        }
    }

    private async Task OnStarterDownloadChangedAsync(DownloadView download)
    {
        if (download.State == DownloadState.Completed)
        {
            await RefreshModelsAsync();
        }

        StateHasChanged();
    }
}
