using System.Runtime.CompilerServices;
using WebChat.Engine.Inference;

namespace WebChat.Services.Serving.Engines;

/// <summary>
/// Answers a request for a model served by several engines: asks the router for a replica, and when that replica
/// fails, times out or answers 5xx before the first token, cools it down and tries the next one. A replica that
/// breaks off after the first token is cooled down too, and the answer ends with the error (its text kept). When the
/// model's replicas are full the request first waits its fair turn among users (<see cref="RemoteAdmission"/>).
/// The in-process engine is one of the replicas while it holds the same model (<see cref="LocalReplica"/>): chosen,
/// it gets the request as any local chat, so its own scheduler shares it fairly; refusing before its first token
/// (no model any more, its queue full, an error) sends the request on to the next replica.
/// </summary>
public sealed class RoutedChat(RemoteEngines engines, EngineRouter router, RemoteAdmission admission, LocalReplica local, ILogger<RoutedChat> logger)
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
            var updates = replica.Remote is { } remote
                ? RemoteChat.StreamAsync(remote, model, request, engines.Options.FirstTokenTimeout, cancellationToken)
                : LocalAsync(request with { UserAlreadyCounted = request.UserKey is not null }, cancellationToken);
            await using var reader = updates.GetAsyncEnumerator(cancellationToken);
            var answered = false;
            string? failure = null;
            var full = false; // the replica only had no room (the in-process queue full): tried elsewhere, not cooled down
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
                catch (Exception e) when (!answered && !cancellationToken.IsCancellationRequested && e is not OperationCanceledException and not UserBusyException)
                {
                    full = e is EngineBusyException;
                    failure = e switch
                    {
                        TimeoutException or EngineException => e.Message,
                        _ => RemoteEngines.Describe(e).Words,
                    };
                    break;
                }

                if (replica.IsLocal && !answered && update is ChatSummary { FinishReason: FinishReason.Error } refused)
                {
                    failure = refused.Message ?? "the in-process engine failed";
                    break; // the in-process engine gave up before its first token: another replica may answer
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

            if (!full)
            {
                CoolDown(replica, failure);
            }

            failures.Add($"{replica.Name}: {failure}");
        }

        throw new ModelNotReadyException(failures.Count == 0
            ? $"{model} is not available now: no engine serving it answers. Try again in a moment, or ask an admin to look at Admin › Engines."
            : $"{model} could not answer: {string.Join("; ", failures)}. Try again in a moment, or ask an admin to look at Admin › Engines.");
    }

    // The in-process engine answers as for any local chat: its scheduler queues the request and shares it by user (the
    // user's place already counted here, in RemoteAdmission, is not counted again there).
    private IAsyncEnumerable<ChatUpdate> LocalAsync(ChatRequest request, CancellationToken cancellationToken) =>
        (local.Engine ?? throw new ModelNotReadyException("the in-process engine is off")).StreamChatAsync(request, cancellationToken);

    private void CoolDown(Replica replica, string reason)
    {
        logger.LogWarning("Engine {Engine} failed a request ({Reason}); cooling down for {Cooldown}", replica.Name, reason, engines.Options.Cooldown);
        if (replica.Remote is { } remote)
        {
            remote.CoolDown(reason, engines.Now + engines.Options.Cooldown);
        }
        else
        {
            local.CoolDown(local.Now + engines.Options.Cooldown);
        }
    }
}
