using System.Threading.Channels;

namespace WebChat.Engine.Inference;

/// <summary>A request from submission to its summary.</summary>
internal sealed class SchedulerWork(PreparedRequest request, long submittedAt, UserShareState user)
{
    public PreparedRequest Request { get; } = request;
    public UserShareState User { get; } = user;
    public long SubmittedAt { get; } = submittedAt;
    public Channel<ChatUpdate> Output { get; } = Channel.CreateUnbounded<ChatUpdate>(new UnboundedChannelOptions { SingleWriter = true });
    public CancellationTokenRegistration Registration { get; set; }
    public int LastPosition { get; set; }

    // Set by the caller's cancellation callback, read by the loop between steps.
    private volatile bool _cancelRequested;

    public bool CancelRequested
    {
        get => _cancelRequested;
        set => _cancelRequested = value;
    }
}
