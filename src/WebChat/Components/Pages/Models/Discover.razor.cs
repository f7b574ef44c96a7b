using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using WebChat.Engine.Downloads;
using WebChat.Components.Models;
using WebChat.Data.Entities;
using WebChat.Engine.Hub;
using WebChat.Services;
using WebChat.Services.Models;

namespace WebChat.Components.Pages.Models;

public partial class Discover
{
    private readonly ModelFilterForm _form = new();
    private LiveDownloadList _downloads = default!;
    private IReadOnlyList<ModelSearchResult>? _results;
    private IReadOnlySet<string> _installedIds = new HashSet<string>();
    private CancellationTokenSource? _search;
    private (Severity Severity, string Title, string Message)? _problem;
    private ClaimsPrincipal _user = new();
    private bool _canManage;
    private bool _searching;
    private bool _filtersOpen;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject] private ModelSearch Search { get; set; } = default!;
    [Inject] private ModelDownloadService DownloadService { get; set; } = default!;
    [Inject] private ModelLibrary Library { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private ILogger<Discover> Logger { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState).User;
        _canManage = ModelPermissions.CanManage(_user);
        _downloads = new LiveDownloadList(DownloadService, _user, InvokeAsync, OnDownloadChangedAsync, ShowRefusal);
        await _downloads.LoadAsync();
        await RefreshInstalledAsync();
        if (RendererInfo.IsInteractive)
        {
            // Only once the circuit is up: prerendering would ask the Hub a second time for the same page.
            _ = SearchAsync();
        }
    }

    private async Task SortAsync(ModelSort sort)
    {
        _form.Sort = sort;
        await NewSearchAsync();
    }

    private async Task NewSearchAsync()
    {
        _form.Limit = ModelFilterForm.PageSize;
        await SearchAsync();
    }

    private async Task MoreAsync()
    {
        _form.Limit += ModelFilterForm.PageSize;
        await SearchAsync();
    }

    private async Task SearchAsync()
    {
        if (_search is not null)
        {
            await _search.CancelAsync();
            _search.Dispose();
        }

        var search = _search = new CancellationTokenSource();
        _searching = true;
        _problem = null;
        StateHasChanged();
        try
        {
            var results = await Search.SearchAsync(_form.ToQuery(Time.GetUtcNow()), search.Token);
            if (!search.IsCancellationRequested)
            {
                _results = results;
            }
        }
        catch (OperationCanceledException) when (search.IsCancellationRequested)
        {
            return; // A newer search replaced this one.
        }
        catch (HubException error)
        {
            _results = null;
            _problem = Describe(error);
        }
        catch (Exception error) when (error is HttpRequestException or IOException or InvalidOperationException)
        {
            Logger.LogWarning(error, "Model search failed");
            _results = null;
            _problem = (Severity.Error, "The search failed.", error.Message);
        }

        _searching = false;
        StateHasChanged();
    }

    private async Task DownloadAsync((ModelSearchResult Result, ModelFileOption File) choice)
    {
        await RunAsync(async () =>
        {
            await DownloadService.StartAsync(_user, choice.Result.Id, choice.File.FileName);
            Snackbar.Add($"Downloading {choice.File.FileName}.", Severity.Info);
        });
    }

    private Task ClearFinishedAsync() => RunAsync(async () =>
    {
        await DownloadService.ClearFinishedAsync(_user);
        _downloads.RemoveFinished();
    });

    private async Task RunAsync(Func<Task> action)
    {
        if (await UserErrors.TryAsync(action) is { } error)
        {
            ShowRefusal(error);
        }
    }

    private void ShowRefusal(Exception error) =>
        _problem = (error as HubException ?? error.InnerException as HubException) is { } hub ? Describe(hub) : (Severity.Error, "The download did not start.", error.Message);

    private async Task OnDownloadChangedAsync(DownloadView download)
    {
        if (download.State == DownloadState.Completed)
        {
            await RefreshInstalledAsync();
        }

        StateHasChanged();
    }

    private async Task RefreshInstalledAsync() =>
        _installedIds = (await Library.ListAsync()).Select(m => m.Id).ToHashSet();

    /// <summary>Hub failures as an alert a person can act on.</summary>
    internal static (Severity, string, string) Describe(HubException error) => error switch
    {
        HubOfflineException => (Severity.Error, "The Hugging Face Hub cannot be reached.", $"{error.Message} Check the server's network or set WebChat:Hub:Endpoint to a mirror."),
        HubRateLimitedException limited => (Severity.Warning, "Rate limited.", $"The Hub asks us to wait {Math.Ceiling(limited.RetryAfter.TotalSeconds):0} s before searching again."),
        HubGatedException => (Severity.Warning, "Gated model.", error.Message),
        HubUnauthorizedException => (Severity.Warning, "The Hub refused the token.", error.Message),
        HubNotFoundException => (Severity.Info, "Not found.", error.Message),
        _ => (Severity.Error, "The Hub answered with an error.", error.Message),
    };

    public void Dispose()
    {
        _downloads?.Dispose();
        _search?.Cancel();
        _search?.Dispose();
    }
}
