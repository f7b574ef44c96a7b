using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Embedding;

namespace WebChat.Components.Pages.Knowledge;

/// <summary>Collections and their files: create, share, upload (ingested in the background with live progress), cancel, delete; for admins, the embedders.</summary>
public partial class KnowledgePage
{
    private IReadOnlyList<CollectionView> _collections = [];
    private IReadOnlyList<DocumentView> _documents = [];
    private CollectionView? _selected;
    private KnowledgeActor? _actor;
    private string? _newName;
    private CollectionScope _newScope = CollectionScope.Private;
    private string? _error;
    private IDisposable? _subscription;
    private IReadOnlyList<EmbedderChoice> _embedderChoices = [];
    private string? _defaultEmbedder;
    private string? _moveTo;
    private string? _savedDefault;
    private bool _busy;

    [Inject] private KnowledgeService Knowledge { get; set; } = default!;
    [Inject] private IngestionQueue Queue { get; set; } = default!;
    [Inject] private EmbedderCatalog Embedders { get; set; } = default!;
    [Inject] private IOptions<KnowledgeOptions> Options { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = KnowledgeActor.From((await AuthenticationState).User);
        _collections = await Knowledge.ListAsync(_actor);
        if (_actor.IsAdmin)
        {
            _embedderChoices = await Embedders.ChoicesAsync();
            _defaultEmbedder = (await Embedders.DefaultAsync()).Name;
        }

        _subscription = Queue.Subscribe(progress =>
        {
            if (_documents.Any(d => d.Id == progress.DocumentId))
            {
                _ = InvokeAsync(ReloadDocumentsAsync);
            }
        });
    }

    private async Task CreateAsync() => await RunAsync(async () =>
    {
        var created = await Knowledge.CreateAsync(_actor!, _newName ?? "", _newScope);
        _newName = null;
        _collections = await Knowledge.ListAsync(_actor!);
        await SelectAsync(created.Id);
    });

    private async Task SelectAsync(Guid id)
    {
        _selected = _collections.FirstOrDefault(c => c.Id == id);
        _moveTo = _selected?.Embedder;
        await ReloadDocumentsAsync();
    }

    private async Task UploadAsync(InputFileChangeEventArgs e) => await RunAsync(async () =>
    {
        var limit = Options.Value.MaxFileMegabytes * 1024L * 1024;
        foreach (var file in e.GetMultipleFiles(20))
        {
            if (file.Size > limit)
            {
                throw new KnowledgeException($"\"{file.Name}\" is larger than {Options.Value.MaxFileMegabytes} MB.");
            }

            using var buffer = new MemoryStream();
            await using (var stream = file.OpenReadStream(limit))
            {
                await stream.CopyToAsync(buffer);
            }

            await Knowledge.AddDocumentAsync(_actor!, _selected!.Id, file.Name, buffer.ToArray());
        }

        await ReloadDocumentsAsync();
    });

    private async Task DeleteAsync(Guid documentId) => await RunAsync(async () =>
    {
        await Knowledge.DeleteDocumentAsync(_actor!, documentId);
        await ReloadDocumentsAsync();
    });

    // Both try the embedder first (a GGUF model loads, a remote engine answers), which can take a few seconds.
    private async Task SetDefaultEmbedderAsync() => await RunAsync(async () =>
    {
        if (_defaultEmbedder is { } name)
        {
            _savedDefault = null;
            await Embedders.SetDefaultAsync(name);
            _savedDefault = name;
        }
    });

    private async Task MoveAsync() => await RunAsync(async () =>
    {
        if (_selected is { } selected && _moveTo is { } name)
        {
            await Knowledge.ChangeEmbedderAsync(_actor!, selected.Id, name);
            _collections = await Knowledge.ListAsync(_actor!);
            _selected = _collections.FirstOrDefault(c => c.Id == selected.Id);
        }
    });

    private async Task ReloadDocumentsAsync()
    {
        _documents = _selected is null ? [] : await Knowledge.ListDocumentsAsync(_actor!, _selected.Id);
        StateHasChanged();
    }

    private async Task RunAsync(Func<Task> action)
    {
        _error = null;
        _busy = true;
        try
        {
            await action();
        }
        catch (KnowledgeException e)
        {
            _error = e.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private string StateText(DocumentView document) => IngestionText.For(document, Queue.Progress(document.Id));

    private static string ScopeText(CollectionView collection) => collection.Scope switch
    {
        CollectionScope.Shared => collection.IsMine ? "shared by you" : "shared with you",
        CollectionScope.Team => "team",
        _ => "only you",
    };

    private static string SizeText(long bytes) => bytes < 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB");

    public void Dispose() => _subscription?.Dispose();
}
