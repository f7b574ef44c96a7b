using System.Runtime.CompilerServices;
using WebChat.Engine.Inference;

namespace WebChat.Services.Serving.Engines;

/// <summary>
/// Answers a request for a model served by remote engines: asks the router for a replica, and when that replica
/// fails, times out or answers 5xx before the first token, cools it down and tries the next one. A replica that
/// breaks off after the first token is cooled down too, and the answer ends with the error (its text kept). When the
/// model's replicas are full the request first waits its fair turn among users (<see cref="RemoteAdmission"/>).
/// </summary>
public sealed class RoutedChat(RemoteEngines engines, EngineRouter router, RemoteAdmission admission, ILogger<RoutedChat> logger)
{
    public bool IsAvailable(string model) => router.IsAvailable(model);

    public async IAsyncEnumerable<ChatUpdate> StreamAsync(string model, ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Waits for this user's fair turn when the model's replicas are full (see RemoteAdmission).
        IDisposable? place = null;
        try
        {
            place = await admission.EnterAsync(model, request.UserKey, request.Share, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while waiting: ended as cancelled below, as the local engine ends a queued request.
        }

        if (place is null)
        {
            yield return new ChatSummary { FinishReason = FinishReason.Cancelled, Model = model };
            yield break;
        }

        using var held = place;
        var tried = new List<string>();
        var failures = new List<string>();
        while (router.Pick(model, request.ConversationKey, tried) is { } replica)
        {
            tried.Add(replica.Name);
            await using var reader = RemoteChat.StreamAsync(replica, model, request, engines.Options.FirstTokenTimeout, cancellationToken).GetAsyncEnumerator(cancellationToken);
            var answered = false;
            string? failure = null;
            while (true)
            {
                ChatUpdate update;
                try
                {
                    if (!await reader.MoveNextAsync())
                    {
                        break;
                    }

                    update = reader.Current;
                }
                catch (Exception e) when (!answered && !cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
                {
                    failure = e is TimeoutException ? e.Message : RemoteEngines.Describe(e).Words;
                    break;
                }

                answered |= update is TextDelta or ReasoningDelta;
                if (update is ChatSummary { FinishReason: FinishReason.Error, Message: { } broke })
                {
                    CoolDown(replica, broke);
                }

                yield return update;
            }

            if (failure is null)
            {
                router.Remember(request.ConversationKey, replica);
                yield break;
            }

            CoolDown(replica, failure);
            failures.Add($"{replica.Name}: {failure}");
        }

        throw new ModelNotReadyException(failures.Count == 0
            ? $"{model} is not available now: no engine serving it answers. Try again in a moment, or ask an admin to look at Admin › Engines."
            : $"{model} could not answer: {string.Join("; ", failures)}. Try again in a moment, or ask an admin to look at Admin › Engines.");
    }

    private void CoolDown(RemoteEngineState replica, string reason)
    {
        logger.LogWarning("Remote engine {Engine} failed a request ({Reason}); cooling down for {Cooldown}", replica.Name, reason, engines.Options.Cooldown);
        replica.CoolDown(reason, engines.Now + engines.Options.Cooldown);
    }
}
