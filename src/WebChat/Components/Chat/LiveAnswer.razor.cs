using System.Diagnostics;
using Microsoft.AspNetCore.Components;
using WebChat.Services.Chat;
using WebChat.Services.Markdown;

namespace WebChat.Components.Chat;

public partial class LiveAnswer
{
    private StreamingMarkdown _document = default!;
    private RenderCoalescer _coalescer = default!;
    private IDisposable? _subscription;
    private ActiveGeneration? _subscribed;
    private int _shown;

    // When the oldest text not yet rendered arrived (a timestamp of Time); 0 when everything is shown.
    private long _pendingSince;
    private bool _finishRaised;

    /// <summary>The generation to show; its text is read from where this view left off.</summary>
    [Parameter, EditorRequired] public ActiveGeneration Generation { get; set; } = default!;

    /// <summary>Renders Markdown; the page passes its singleton.</summary>
    [Parameter, EditorRequired] public IMarkdownRenderer Renderer { get; set; } = default!;

    /// <summary>Shortest time between two renders.</summary>
    [Parameter] public TimeSpan RenderInterval { get; set; } = TimeSpan.FromMilliseconds(33);

    [Parameter] public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Raised once, on the renderer's thread, after the generation's final state is stored.</summary>
    [Parameter] public EventCallback OnFinished { get; set; }

    private static string QueueText(int position) =>
        position <= 1 ? "Waiting: you are next" : $"Waiting: {position - 1} ahead of you";

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(_subscribed, Generation))
        {
            return;
        }

        _subscription?.Dispose();
        _subscribed = Generation;
        _document = new StreamingMarkdown(Renderer);
        _shown = 0;
        _finishRaised = false;
        _coalescer = new RenderCoalescer(RenderInterval, Time, () => InvokeAsync(PumpAsync));
        CatchUp();
        _subscription = Generation.Subscribe(OnTextArrived);
        if (Generation.Finished.IsCompleted)
        {
            _coalescer.Request();
        }
    }

    private void OnTextArrived()
    {
        Interlocked.CompareExchange(ref _pendingSince, Time.GetTimestamp(), 0);
        _coalescer.Request();
    }

    private async Task PumpAsync()
    {
        try
        {
            var pendingSince = Interlocked.Exchange(ref _pendingSince, 0);
            var started = Stopwatch.GetTimestamp();
            var shown = CatchUp();
            StateHasChanged(); // Renders synchronously here: the renderer is idle inside InvokeAsync.
            ChatMetrics.LiveRenderMilliseconds.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("chars", shown));
            if (pendingSince != 0 && shown > 0)
            {
                ChatMetrics.LiveRenderLagMilliseconds.Record(Time.GetElapsedTime(pendingSince).TotalMilliseconds);
            }

            if (Generation.Finished.IsCompleted && !_finishRaised && OnFinished.HasDelegate)
            {
                _finishRaised = true;
                _subscription?.Dispose();
                await OnFinished.InvokeAsync();
            }
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }

    private int CatchUp()
    {
        var delta = Generation.ReadFrom(_shown);
        _shown += delta.Length;
        _document.Append(delta);
        return delta.Length;
    }

    public void Dispose() => _subscription?.Dispose();
}
