using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using WebChat.Engine.Downloads;
using WebChat.Engine.Inference;
using WebChat.Components.Models;
using WebChat.Engine.Storage;
using WebChat.Services;
using WebChat.Services.Models;

namespace WebChat.Components.Pages.Models;

public partial class Library
{
    private IReadOnlyList<LibraryModel> _models = [];
    private IReadOnlyList<WebChat.Services.Serving.RemoteModelView> _remote = [];
    private IReadOnlyList<ModelElsewhere> _elsewhere = [];
    private LiveDownloadList _downloads = default!;
    private long _freeBytes;
    private EngineStatus _status = EngineStatus.Empty;
    private IDisposable? _engineSubscription;
    private ClaimsPrincipal _user = new();
    private string? _importPath;
    private ImportMode _importMode = ImportMode.Copy;
    private string? _error;
    private bool _canManage;
    private bool _busy;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject] private ModelLibrary ModelLibrary { get; set; } = default!;
    [Inject] private WebChat.Services.Serving.ModelServing Serving { get; set; } = default!;
    [Inject] private WebChat.Services.Serving.RemoteModels RemoteModels { get; set; } = default!;
    [Inject] private ModelDownloadService DownloadService { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState).User;
        _canManage = ModelPermissions.CanManage(_user);
        _status = Serving.Status;
        _engineSubscription = Serving.Subscribe(OnEngineStatus);
        _downloads = new LiveDownloadList(DownloadService, _user, InvokeAsync, OnDownloadChangedAsync, error => _error = error.Message);
        await _downloads.LoadAsync();
        await RefreshAsync();
    }

    private async Task RefreshAsync()
    {
        _models = await ModelLibrary.ListAsync();
        _elsewhere = _canManage ? await ModelLibrary.ElsewhereAsync() : [];
        _remote = [.. (await RemoteModels.ListAsync()).Where(m => _canManage || m.UserSelectable)]; // users see what they are offered
        _freeBytes = ModelLibrary.FreeBytes;
    }

    private async Task OnDownloadChangedAsync(DownloadView download)
    {
        if (download.State == DownloadState.Completed)
        {
            await RefreshAsync();
        }

        StateHasChanged();
    }

    private void OnEngineStatus(EngineStatus status) => _ = InvokeAsync(async () =>
    {
        try
        {
            var changed = status.ModelDiffersFrom(_status);
            _status = status;
            if (changed)
            {
                await RefreshAsync();
            }

            StateHasChanged();
        }
        catch (Exception error)
        {
            await DispatchExceptionAsync(error);
        }
    });

    private Task LoadAsync(LibraryModel model) => RunAsync(async () =>
    {
        await Serving.SwitchAsync(_user, model.Id);
        Snackbar.Add($"{model.Name} is loaded.", Severity.Success);
    });

    private Task UnloadAsync() => RunAsync(() => Serving.UnloadAsync(_user));

    private async Task DeleteAsync(LibraryModel model)
    {
        var warning = model.IsLoaded ? " It is loaded now: it will be unloaded first, and chats wait until an admin loads another model." : "";
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete model", $"Delete {model.FileName} ({ModelFormat.Bytes(model.SizeBytes)}) from the server?{warning}",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed == true)
        {
            await RunAsync(async () =>
            {
                await ModelLibrary.DeleteAsync(_user, model.Id);
                Snackbar.Add($"{model.FileName} was deleted.", Severity.Success);
            });
        }
    }

    private Task ImportAsync() => RunAsync(async () =>
    {
        var imported = await ModelLibrary.ImportAsync(_user, _importPath ?? "", _importMode);
        _importPath = null;
        Snackbar.Add($"{imported.FileName} was imported.", Severity.Success);
    });

    /// <summary>Expected failures become the alert at the top; the list is refreshed either way.</summary>
    private async Task RunAsync(Func<Task> action)
    {
        _busy = true;
        _error = (await UserErrors.TryAsync(action))?.Message;
        _busy = false;

        await RefreshAsync();
    }

    public void Dispose()
    {
        _engineSubscription?.Dispose();
        _downloads?.Dispose();
    }
}
