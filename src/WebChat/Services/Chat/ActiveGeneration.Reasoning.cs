using System.Text;

namespace WebChat.Services.Chat;

/// <summary>The reasoning of an answer being written, kept apart from the answer's text.</summary>
public sealed partial class ActiveGeneration
{
    private readonly StringBuilder _reasoning = new();

    /// <summary>True while the model writes inside its reasoning tags.</summary>
    public bool IsReasoning { get; private set; }

    /// <summary>How long the model reasoned; null until the reasoning ended (or when there was none).</summary>
    public TimeSpan? ReasoningDuration { get; private set; }

    public int ReasoningLength
    {
        get
        {
            lock (_gate)
            {
                return _reasoning.Length;
            }
        }
    }

    /// <summary>The reasoning from <paramref name="offset"/> to the current end.</summary>
    public string ReadReasoningFrom(int offset)
    {
        lock (_gate)
        {
            return offset >= _reasoning.Length ? "" : _reasoning.ToString(offset, _reasoning.Length - offset);
        }
    }

    internal void AppendReasoning(string delta)
    {
        lock (_gate)
        {
            _reasoning.Append(delta);
            QueuePosition = null;
            IsReasoning = true;
        }

        Notify();
    }

    internal void EndReasoning(TimeSpan duration)
    {
        IsReasoning = false;
        ReasoningDuration = duration;
        Notify();
    }
}
