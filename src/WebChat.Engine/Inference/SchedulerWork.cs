using System.Threading.Channels;

namespace WebChat.Engine.Inference;

/// <summary>A request from submission to its summary.</summary>
internal sealed class SchedulerWork(PreparedRequest request, long submittedAt, UserShareState user, CancellationToken cancellation)
{
    public PreparedRequest Request { get; } = request;
    public UserShareState User { get; } = user;
    public long SubmittedAt { get; } = submittedAt;
    public Channel<ChatUpdate> Output { get; } = Channel.CreateUnbounded<ChatUpdate>(new UnboundedChannelOptions { SingleWriter = true });
    public CancellationTokenRegistration Registration { get; set; }
    public int LastPosition { get; set; }

    /// <summary>Got a sequence (the loop's alone): its end frees one of its user's running places.</summary>
    public bool Started { get; set; }

    // Set by the caller's cancellation callback, read by the loop between steps.
    private volatile bool _cancelRequested;

    /// <summary>
    /// The caller cancelled. The token is read as well as the flag its callback sets: CancelAsync runs callbacks on
    /// the thread pool, which on a busy machine may be many steps later, while the token shows it at once.
    /// </summary>
    public bool CancelRequested
    {
        get => _cancelRequested || cancellation.IsCancellationRequested;
        set => _cancelRequested = value;
    }
}
