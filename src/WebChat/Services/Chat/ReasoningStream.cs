namespace WebChat.Services.Chat;

/// <summary>Routes an answer's deltas into its reasoning or its text and times the reasoning (first reasoning text to the closing tag).</summary>
public sealed class ReasoningStream(TimeProvider time)
{
    private ReasoningSplitter _splitter = new(ReasoningTags.Default);
    private long? _started;

    /// <summary>Sets the loaded model's tag; call before the first delta.</summary>
    public void UseTag(string tag) => _splitter = new ReasoningSplitter(tag);

    public void Feed(string delta, ActiveGeneration generation) => Route(_splitter.Feed(delta), generation);

    /// <summary>Reasoning an engine sent apart from the text (reasoning_content): no tags to find.</summary>
    public void FeedReasoning(string delta, ActiveGeneration generation) => Route([new StreamPiece(delta, IsReasoning: true)], generation);

    /// <summary>Writes what was held back and ends the reasoning if the stream ended inside it.</summary>
    public void Complete(ActiveGeneration generation)
    {
        Route(_splitter.Flush(), generation);
        if (_started is { } started && generation.ReasoningDuration is null)
        {
            generation.EndReasoning(time.GetElapsedTime(started));
        }
    }

    private void Route(IReadOnlyList<StreamPiece> pieces, ActiveGeneration generation)
    {
        foreach (var piece in pieces)
        {
            if (piece.IsReasoning)
            {
                _started ??= time.GetTimestamp();
                generation.AppendReasoning(piece.Text);
            }
            else
            {
                generation.Append(piece.Text);
            }
        }

        if (_splitter.ReasoningEnded && _started is { } started && generation.ReasoningDuration is null)
        {
            generation.EndReasoning(time.GetElapsedTime(started));
        }
    }
}
