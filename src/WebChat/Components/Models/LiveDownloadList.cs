using WebChat.Services.Models;

namespace WebChat.Components.Models;

/// <summary>
/// A page's live copy of the download list: loaded once, then patched from the service's progress events on the
/// page's own dispatcher. Dispose with the page.
/// </summary>
internal sealed class LiveDownloadList : IDisposable
{
    private readonly ModelDownloadService _service;
    private readonly Func<Func<Task>, Task> _invoke;
    private readonly Func<DownloadView, Task> _changed;
    private readonly IDisposable _subscription;
    private List<DownloadView> _items = [];

    /// <param name="invoke">The component's InvokeAsync, so updates run on its dispatcher.</param>
    /// <param name="changed">Called on the dispatcher after each update (re-render there).</param>
    public LiveDownloadList(ModelDownloadService service, Func<Func<Task>, Task> invoke, Func<DownloadView, Task> changed)
    {
        _service = service;
        _invoke = invoke;
        _changed = changed;
        _subscription = service.Subscribe(OnUpdate);
    }

    public IReadOnlyList<DownloadView> Items => _items;

    /// <summary>The newest unfinished download of this file, if any.</summary>
    public DownloadView? Running(string repo, string fileName) =>
        _items.FirstOrDefault(d => d.Repo == repo && d.FileName == fileName && !d.IsFinished);

    public async Task LoadAsync(CancellationToken cancellationToken = default) => _items = [.. await _service.ListAsync(cancellationToken: cancellationToken)];

    public void Dispose() => _subscription.Dispose();

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
