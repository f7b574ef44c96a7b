using System.Globalization;

namespace WebChat.Engine.Inference;

/// <summary>
/// Templates and tokenizes a conversation so that it fits one sequence's context with room to answer: drops the
/// oldest turns after the system prompt first, and cuts tokens only when the last turn alone is too long.
/// </summary>
internal static class PromptFitter
{
    public static PreparedRequest Prepare(ChatRequest request, IInferenceBackend backend, int minAnswerTokens)
    {
        if (request.Messages.Count == 0)
        {
            throw new ArgumentException("A chat request needs at least one message.", nameof(request));
        }

        if (request.MaxTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.MaxTokens, "MaxTokens must be at least 1.");
        }

        var context = backend.ContextPerSequence;
        var limit = context - Math.Min(minAnswerTokens, context / 2);
        var system = request.Messages.TakeWhile(t => t.Role == ChatRole.System).ToList();
        var rest = request.Messages.Skip(system.Count).ToList();
        var dropped = 0;
        while (true)
        {
            var tokens = backend.Tokenize(backend.ApplyTemplate([.. system, .. rest]));
            if (tokens.Length <= limit)
            {
                return Build(request, backend, tokens, dropped, dropped > 0 ? $"{dropped} older turns were left out to fit the context." : null);
            }

            if (rest.Count <= 1)
            {
                var cut = tokens.Length - limit;
                var kept = tokens.Take(1).Concat(tokens.Skip(cut + 1)).ToArray();
                var note = string.Create(CultureInfo.InvariantCulture, $"The prompt was {tokens.Length} tokens, too long for the context of {context}; its first {cut} tokens after the start were cut.");
                return Build(request, backend, kept, dropped, note);
            }

            // Drop the oldest turn, and any assistant turns after it, so the kept history still starts with the user.
            var remove = 1;
            while (remove < rest.Count - 1 && rest[remove].Role != ChatRole.User)
            {
                remove++;
            }

            rest.RemoveRange(0, remove);
            dropped += remove;
        }
    }

    private static PreparedRequest Build(ChatRequest request, IInferenceBackend backend, int[] tokens, int dropped, string? note) => new()
    {
        PromptTokens = tokens,
        ConversationKey = request.ConversationKey,
        UserKey = request.UserKey,
        Share = request.Share,
        Sampling = request.Sampling,
        MaxTokens = request.MaxTokens,
        StopStrings = request.StopStrings,
        DroppedTurns = dropped,
        Template = backend.TemplateName,
        Model = backend.ModelName,
        FitNote = note,
    };
}
