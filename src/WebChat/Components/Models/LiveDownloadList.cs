using System.Security.Claims;
using WebChat.Services;
using WebChat.Services.Models;

namespace WebChat.Components.Models;

/// <summary>
/// A page's live copy of the download list and its pause, resume and cancel actions (the first-run card, the Library
/// and Discover share them): loaded once, then patched from the service's progress events on the page's own
/// dispatcher. Dispose with the page.
/// </summary>
internal sealed class LiveDownloadList : IDisposable
{
    private readonly ModelDownloadService _service;
    private readonly Func<Func<Task>, Task> _invoke;
    private readonly Func<DownloadView, Task> _changed;
    private readonly ClaimsPrincipal _user;
    private readonly Action<Exception> _refused;
    private readonly IDisposable _subscription;
    private List<DownloadView> _items = [];

    /// <param name="user">Who presses the buttons (the service checks that it is an admin).</param>
    /// <param name="invoke">The component's InvokeAsync, so updates run on its dispatcher.</param>
    /// <param name="changed">Called on the dispatcher after each update (re-render there).</param>
    /// <param name="refused">Called with an action's expected failure (see <see cref="UserErrors"/>), for the page to show.</param>
    public LiveDownloadList(ModelDownloadService service, ClaimsPrincipal user, Func<Func<Task>, Task> invoke, Func<DownloadView, Task> changed, Action<Exception> refused)
    {
        _service = service;
        _user = user;
        _invoke = invoke;
        _changed = changed;
        _refused = refused;
        _subscription = service.Subscribe(OnUpdate);
    }

    public IReadOnlyList<DownloadView> Items => _items;

    /// <summary>The newest unfinished download of this file, if any.</summary>
    public DownloadView? Running(string repo, string fileName) =>
        _items.FirstOrDefault(d => d.Repo == repo && d.FileName == fileName && !d.IsFinished);

    public async Task LoadAsync(CancellationToken cancellationToken = default) => _items = [.. await _service.ListAsync(cancellationToken: cancellationToken)];

    /// <summary>Drops finished downloads from the list (after the service forgot them).</summary>
    public void RemoveFinished() => _items.RemoveAll(d => d.IsFinished);

    public Task PauseAsync(DownloadView download) => RunAsync(() =>
    {
        _service.Pause(_user, download.Id);
        return Task.CompletedTask;
    });

    public Task ResumeAsync(DownloadView download) => RunAsync(() => _service.ResumeAsync(_user, download.Id));

    public Task CancelAsync(DownloadView download) => RunAsync(() => _service.CancelAsync(_user, download.Id));

    public void Dispose() => _subscription.Dispose();

    private async Task RunAsync(Func<Task> action)
    {
        if (await UserErrors.TryAsync(action) is { } error)
        {
            _refused(error);
        }
    }

    private void OnUpdate(DownloadView view) => _ = _invoke(async () =>
    {
        var index = _items.FindIndex(d => d.Id == view.Id);
        if (index >= 0)
        {
            _items[index] = view;
        }
        else
        {
            _items.Insert(0, view);
        }

        await _changed(view);
    });
}
