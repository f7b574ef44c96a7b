using Microsoft.AspNetCore.Components;
using WebChat.Services.Chat;
using WebChat.Services.Markdown;

namespace WebChat.Components.Chat;

public partial class MessageItem
{
    private (MessageView? Message, bool IsLast, bool CanAct) _rendered;
    private StreamingMarkdown? _document;
    private bool _editing;
    private bool _stateChanged;
    private string _draft = "";
    private string? _editError;

    [Parameter, EditorRequired] public MessageView Message { get; set; } = default!;

    [Parameter, EditorRequired] public IMarkdownRenderer Renderer { get; set; } = default!;

    /// <summary>True for the conversation's last message (only it offers Regenerate).</summary>
    [Parameter] public bool IsLast { get; set; }

    /// <summary>False while an answer is being written: edit and regenerate wait for it.</summary>
    [Parameter] public bool CanAct { get; set; } = true;

    [Parameter] public EventCallback<string> OnCopy { get; set; }

    [Parameter] public EventCallback OnRegenerate { get; set; }

    /// <summary>Raised with (message, new text) when the person saves an edit.</summary>
    [Parameter] public EventCallback<(MessageView Message, string Text)> OnEdit { get; set; }

    private StreamingMarkdown Document => _document ??= StreamingMarkdown.FromText(Renderer, Message.Content);

    protected override void OnParametersSet()
    {
        if (!Equals(_rendered.Message, Message))
        {
            _document = null;
            _stateChanged = true;
        }
    }

    // A stored message changes rarely; skipping unchanged ones keeps long conversations cheap to re-render.
    protected override bool ShouldRender()
    {
        var current = (Message, IsLast, CanAct);
        var render = _editing || _stateChanged || !Equals(_rendered, current);
        _rendered = current;
        _stateChanged = false;
        return render;
    }

    private void StartEdit()
    {
        _draft = Message.Content;
        _editing = true;
        _stateChanged = true;
    }

    private void CancelEdit()
    {
        _editing = false;
        _stateChanged = true;
    }

    private async Task SaveEditAsync()
    {
        _stateChanged = true;
        _editError = MessageLimits.Check(_draft);
        if (string.IsNullOrWhiteSpace(_draft) || _editError is not null)
        {
            return;
        }

        _editing = false;
        _stateChanged = true;
        await OnEdit.InvokeAsync((Message, _draft));
    }
}
