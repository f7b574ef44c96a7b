using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.RenderTree;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebChat.Tests.Unit.App.Components.Chat;

/// <summary>
/// A Blazor renderer that keeps the edits of every render batch: what a browser would be sent and have to apply.
/// bUnit compares markup, which cannot tell "one text node updated" from "the paragraph replaced".
/// </summary>
#pragma warning disable BL0006 // RenderTree types are what this test inspects.
internal sealed class RenderEditRecorder() : Renderer(new ServiceCollection().BuildServiceProvider(), NullLoggerFactory.Instance)
{
    private int _root = -1;

    public override Dispatcher Dispatcher { get; } = Dispatcher.CreateDefault();

    /// <summary>The changes in the last batch, as (kind, frame type, text or element name).</summary>
    public List<RecordedEdit> LastEdits { get; } = [];

    public Task RenderAsync<TComponent>(IDictionary<string, object?> parameters)
        where TComponent : IComponent, new() => Dispatcher.InvokeAsync(() =>
    {
        if (_root < 0)
        {
            _root = AssignRootComponentId(new TComponent());
        }

        return RenderRootComponentAsync(_root, ParameterView.FromDictionary(parameters));
    });

    protected override void HandleException(Exception exception) => throw exception;

    protected override Task UpdateDisplayAsync(in RenderBatch renderBatch)
    {
        LastEdits.Clear();
        var frames = renderBatch.ReferenceFrames.Array;
        for (var i = 0; i < renderBatch.UpdatedComponents.Count; i++)
        {
            var diff = renderBatch.UpdatedComponents.Array[i];
            for (var e = 0; e < diff.Edits.Count; e++)
            {
                var edit = diff.Edits.Array[diff.Edits.Offset + e];
                if (edit.Type is RenderTreeEditType.StepIn or RenderTreeEditType.StepOut)
                {
                    continue; // Moves to a child or back: changes nothing.
                }

                var frame = edit.ReferenceFrameIndex >= 0 && edit.Type is not RenderTreeEditType.RemoveFrame ? frames[edit.ReferenceFrameIndex] : default;
                LastEdits.Add(new RecordedEdit(edit.Type, frame.FrameType, frame.FrameType switch
                {
                    RenderTreeFrameType.Text => frame.TextContent,
                    RenderTreeFrameType.Element => frame.ElementName,
                    RenderTreeFrameType.Markup => frame.MarkupContent,
                    _ => null,
                }));
            }
        }

        return Task.CompletedTask;
    }
}

internal sealed record RecordedEdit(RenderTreeEditType Type, RenderTreeFrameType FrameType, string? Content);
#pragma warning restore BL0006
