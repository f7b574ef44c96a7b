using Microsoft.AspNetCore.Components.Forms;
using Microsoft.JSInterop;
using MudBlazor;
using WebChat.Services.Chat;

namespace WebChat.Components.Pages.Chat;

// The list, export/import and model actions of the chat page; streaming lives in ChatPage.razor.cs.
public partial class ChatPage
{
    private void NewChat()
    {
        _sidebarOpen = false;
        Navigation.NavigateTo("chat");
    }

    private async Task SearchAsync(string? search)
    {
        _search = search;
        await RefreshListAsync();
    }

    private async Task RenameAsync((Guid Id, string Title) rename) => await RunAsync(async () =>
    {
        await Conversations.RenameAsync(_userId, rename.Id, rename.Title);
        await RefreshListAsync();
        if (rename.Id == _shownId)
        {
            await LoadConversationAsync();
        }
    });

    private async Task DeleteAsync(ConversationSummary conversation)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete chat", $"Delete \"{conversation.Title}\" and all its messages?", yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await RunAsync(async () =>
        {
            await Conversations.DeleteAsync(_userId, conversation.Id);
            await RefreshListAsync();
            if (conversation.Id == _shownId)
            {
                Navigation.NavigateTo("chat");
            }
        });
    }

    private async Task SaveOverridesAsync(ConversationOverrides overrides) => await RunAsync(async () =>
    {
        await Conversations.SaveOverridesAsync(_userId, _shownId!.Value, overrides);
        _overridesOpen = false;
        await LoadConversationAsync();
        Snackbar.Add("Saved for this conversation.", Severity.Success);
    });

    private async Task CopyAsync(string text)
    {
        var copied = await JS.InvokeAsync<bool>("webChat.chat.copyText", text);
        Snackbar.Add(copied ? "Copied." : "The browser did not allow copying.", copied ? Severity.Success : Severity.Warning);
    }

    private async Task ExportAsync(bool markdown) => await RunAsync(async () =>
    {
        var id = _shownId!.Value;
        var text = markdown ? await Transfer.ExportMarkdownAsync(_userId, id) : await Transfer.ExportJsonAsync(_userId, id);
        var name = string.Concat((_detail?.Title ?? "chat").Select(c => char.IsLetterOrDigit(c) ? c : '-')).Trim('-');
        await JS.InvokeVoidAsync("webChat.chat.download", $"{name}.{(markdown ? "md" : "json")}", markdown ? "text/markdown" : "application/json", text);
    });

    private async Task ImportAsync(InputFileChangeEventArgs e) => await RunAsync(async () =>
    {
        if (e.File.Size > MaxImportFileBytes)
        {
            throw new ConversationImportException("The file is too large to be a conversation export.");
        }

        await using var stream = e.File.OpenReadStream(MaxImportFileBytes);
        var id = await Transfer.ImportJsonAsync(_userId, stream);
        await RefreshListAsync();
        Navigation.NavigateTo($"chat/{id}");
    });

    private async Task LoadModelAsync(string modelId) => await RunAsync(async () =>
    {
        await Model.Serving.SwitchAsync(User, modelId);
        await RefreshModelsAsync();
    });

    public void Dispose()
    {
        _engineSubscription?.Dispose();
        _answerFollower?.Dispose();
        _remoteSubscription?.Dispose();
        _ingestionSubscription?.Dispose();
    }
}
