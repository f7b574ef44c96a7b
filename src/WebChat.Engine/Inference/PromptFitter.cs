using System.Globalization;

namespace WebChat.Engine.Inference;

/// <summary>
/// Templates and tokenizes a conversation so that it fits one sequence's context with room to answer: drops the
/// oldest turns after the system prompt first, and cuts tokens only when the last turn alone is too long.
/// Linear in the conversation: each turn is tokenized once, the turns to drop are chosen by those counts, and only
/// the kept part (at most about one context) is templated. Every model call is one turn or one context long, so
/// the model is never held for long, and cancellation is checked between calls.
/// </summary>
internal static class PromptFitter
{
    public static PreparedRequest Prepare(ChatRequest request, IInferenceBackend backend, int minAnswerTokens) =>
        Prepare(request, new DirectModel(backend), minAnswerTokens, CancellationToken.None);

    public static PreparedRequest Prepare(ChatRequest request, IModelUser model, int minAnswerTokens, CancellationToken cancellationToken)
    {
        if (request.Messages.Count == 0)
        {
            throw new ArgumentException("A chat request needs at least one message.", nameof(request));
        }

        if (request.MaxTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.MaxTokens, "MaxTokens must be at least 1.");
        }

        var context = model.UseModel(b => b.ContextPerSequence);
        var limit = context - Math.Min(minAnswerTokens, context / 2);
        var system = request.Messages.TakeWhile(t => t.Role == ChatRole.System).ToList();
        var rest = request.Messages.Skip(system.Count).ToList();
        var costs = new int[rest.Count];
        var start = rest.Count <= 1 ? 0 : FirstKeptByCounts(system, rest, costs, model, limit, cancellationToken);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var kept = rest.Skip(start).ToList();
            var tokens = model.UseModel(b => b.Tokenize(b.ApplyTemplate([.. system, .. kept])));
            if (tokens.Length <= limit)
            {
                return Build(request, model, tokens, start, start > 0 ? $"{start} older turns were left out to fit the context." : null);
            }

            if (kept.Count <= 1)
            {
                return Cut(request, model, tokens, start, limit, context);
            }

            // Still too long (the counts were an estimate): drop the overshoot by the counts, at least one turn, and check again.
            var overshoot = tokens.Length - limit;
            var next = start;
            while (next < rest.Count - 1 && overshoot > 0)
            {
                overshoot -= costs[next];
                next++;
            }

            start = AlignToUserTurn(rest, Math.Max(next, start + 1));
        }
    }

    // The first turn to keep so that the estimated prompt fits: the system prompt and last turn as templated, plus
    // each earlier kept turn's own tokens and the template's overhead for its role, counted back from the end. Only
    // the turns that fit are tokenized, so the cost follows the context, not the length of the conversation.
    private static int FirstKeptByCounts(List<ChatTurn> system, List<ChatTurn> rest, int[] costs, IModelUser model, int limit, CancellationToken cancellationToken)
    {
        var last = rest[^1];
        var baseTokens = model.UseModel(b => b.Tokenize(b.ApplyTemplate([.. system, last])).Length);
        var overheads = new Dictionary<ChatRole, int>();
        var total = baseTokens;
        for (var i = rest.Count - 2; i >= 0; i--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var turn = rest[i];
            if (!overheads.TryGetValue(turn.Role, out var overhead))
            {
                overhead = model.UseModel(b => RoleOverhead(b, system, turn.Role, last, baseTokens));
                overheads[turn.Role] = overhead;
            }

            costs[i] = model.UseModel(b => ContentTokens(b, turn)) + overhead;
            total += costs[i];
            if (total > limit)
            {
                return AlignToUserTurn(rest, i + 1);
            }
        }

        return 0;
    }

    // What the template adds around one turn of this role.
    private static int RoleOverhead(IInferenceBackend backend, List<ChatTurn> system, ChatRole role, ChatTurn last, int baseTokens)
    {
        var sample = new ChatTurn(role, "x");
        var withSample = backend.Tokenize(backend.ApplyTemplate([.. system, sample, last])).Length;
        return Math.Max(0, withSample - baseTokens - ContentTokens(backend, sample));
    }

    private static int ContentTokens(IInferenceBackend backend, ChatTurn turn) =>
        turn.Content.Length == 0 ? 0 : Math.Max(0, backend.Tokenize(turn.Content).Length - backend.Tokenize("").Length);

    // The kept history starts with the user (or is the last turn alone).
    private static int AlignToUserTurn(List<ChatTurn> rest, int start)
    {
        while (start < rest.Count - 1 && rest[start].Role != ChatRole.User)
        {
            start++;
        }

        return Math.Min(start, rest.Count - 1);
    }

    private static PreparedRequest Cut(ChatRequest request, IModelUser model, int[] tokens, int dropped, int limit, int context)
    {
        var cut = tokens.Length - limit;
        var kept = tokens.Take(1).Concat(tokens.Skip(cut + 1)).ToArray();
        var note = string.Create(CultureInfo.InvariantCulture, $"The prompt was {tokens.Length} tokens, too long for the context of {context}; its first {cut} tokens after the start were cut.");
        return Build(request, model, kept, dropped, note);
    }

    private static PreparedRequest Build(ChatRequest request, IModelUser model, int[] tokens, int dropped, string? note) => new()
    {
        PromptTokens = tokens,
        ConversationKey = request.ConversationKey,
        CacheScope = request.CacheScope,
        UserKey = request.UserKey,
        Share = request.Share,
        UserAlreadyCounted = request.UserAlreadyCounted,
        Sampling = request.Sampling,
        MaxTokens = request.MaxTokens,
        StopStrings = request.StopStrings,
        DroppedTurns = dropped,
        Template = model.UseModel(b => b.TemplateName),
        Model = model.UseModel(b => b.ModelName),
        FitNote = note,
    };

    private sealed class DirectModel(IInferenceBackend backend) : IModelUser
    {
        public T UseModel<T>(Func<IInferenceBackend, T> work) => work(backend);
    }
}
