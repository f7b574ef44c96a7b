using Microsoft.AspNetCore.Components.Forms;
using WebChat.Components.Chat;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;

namespace WebChat.Components.Pages.Chat;

// The chat's knowledge: files attached (button or drop onto the chat), collections picked, and reading progress.
public partial class ChatPage
{
    private IReadOnlyList<CollectionView> _pickable = [];
    private IReadOnlyList<string> _pickableNames = [];
    private IReadOnlyCollection<Guid> _picked = [];
    private IReadOnlyList<AttachmentState> _attachments = [];
    private IDisposable? _ingestionSubscription;
    private KnowledgeActor _actor = new("", false);
    private bool _attaching;

    private void StartKnowledge()
    {
        _actor = KnowledgeActor.From(User);
        _ingestionSubscription = Model.Ingestion.Subscribe(progress =>
        {
            if (_attachments.Any(a => a.Id == progress.DocumentId))
            {
                _ = InvokeAsync(async () =>
                {
                    try
                    {
                        await LoadKnowledgeAsync();
                        StateHasChanged();
                    }
                    catch (Exception ex)
                    {
                        await DispatchExceptionAsync(ex);
                    }
                });
            }
        });
    }

    private async Task LoadKnowledgeAsync()
    {
        _pickable = await Model.Collections.ListAsync(_actor);
        _pickableNames = _pickable.Select(c => c.Name).ToList();
        if (_shownId is not { } id || _notFound)
        {
            (_picked, _attachments) = ([], []);
            return;
        }

        var picked = await Model.Knowledge.PickedAsync(_userId, id);
        _picked = picked.Where(p => _pickable.Any(c => c.Id == p)).ToList();
        _attachments = (await Model.Knowledge.AttachmentsAsync(_userId, id))
            .Select(d => new AttachmentState(d.Id, d.FileName, IngestionText.For(d, Model.Ingestion.Progress(d.Id)),
                d.Status is IngestionStatus.Failed or IngestionStatus.Cancelled, d.Status == IngestionStatus.Ready))
            .ToList();
    }

    // A new chat gets its conversation first: files belong to a conversation, and the question comes after them.
    private async Task<Guid> ConversationForKnowledgeAsync()
    {
        if (_shownId is { } id)
        {
            return id;
        }

        var created = await Conversations.StartEmptyAsync(_userId);
        await ShowConversationAsync(created);
        Navigation.NavigateTo($"chat/{created}");
        await RefreshListAsync();
        return created;
    }

    private async Task AttachAsync(IReadOnlyList<IBrowserFile> files)
    {
        _attaching = true;
        try
        {
            await RunAsync(async () =>
            {
                var id = await ConversationForKnowledgeAsync();
                var limit = Model.KnowledgeOptions.MaxFileMegabytes * 1024L * 1024;
                foreach (var file in files)
                {
                    if (file.Size > limit)
                    {
                        throw new KnowledgeException($"\"{file.Name}\" is larger than {Model.KnowledgeOptions.MaxFileMegabytes} MB, the most a file can be.");
                    }

                    using var buffer = new MemoryStream();
                    await using (var stream = file.OpenReadStream(limit))
                    {
                        await stream.CopyToAsync(buffer);
                    }

                    await Model.Knowledge.AttachAsync(_actor, id, file.Name, buffer.ToArray());
                    await LoadKnowledgeAsync();
                    StateHasChanged();
                }
            });
        }
        finally
        {
            _attaching = false;
        }
    }

    // The drop input keeps its files after a drop: the same file dropped twice is attached twice, which the list shows.
    private async Task DropAsync(IReadOnlyList<IBrowserFile>? files)
    {
        if (files is { Count: > 0 })
        {
            await AttachAsync(files);
        }
    }

    private async Task PickAsync(IReadOnlyCollection<Guid> picked) => await RunAsync(async () =>
    {
        var id = await ConversationForKnowledgeAsync();
        await Model.Knowledge.PickAsync(_actor, id, picked);
        await LoadKnowledgeAsync();
    });

    private async Task RemoveAttachmentAsync(Guid documentId) => await RunAsync(async () =>
    {
        await Model.Collections.DeleteDocumentAsync(_actor, documentId);
        await LoadKnowledgeAsync();
    });
}
