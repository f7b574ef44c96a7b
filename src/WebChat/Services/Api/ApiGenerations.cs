using Microsoft.Extensions.Options;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Serving;
using WebChat.Services.ApiKeys;
using WebChat.Services.Chat;
using WebChat.Services.Quotas;

namespace WebChat.Services.Api;

/// <summary>
/// Starts API requests on the same engine, quota and usage records as the chat page; creates no conversation.
/// Requests carry the caller as the engine's user key, so the per-user share and round-robin queue hold for API and
/// chat together. An offered model the engine does not hold is loaded first, through the same path as the chat's
/// picker. Throws QuotaExceededException, ModelOperationException, ModelNotReadyException, EngineBusyException or
/// UserBusyException before anything is sent. Each request names its caller's cache scope, so the engine reuses the KV
/// cache of that user's earlier prompts and never another user's unless an admin widened it.
/// </summary>
public sealed class ApiGenerations(
    IInferenceEngine engine, ModelServing serving, ApiModels models, QuotaService quotas, UsageWriter usage, ILogger<ApiGenerations> logger,
    EngineShares? shares = null, IOptions<ApiOptions>? options = null)
{
    // The requests being answered now, so an account that may no longer act can have them stopped.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ApiGeneration, string> _active = new();

    /// <summary>True while a request of the user is being answered.</summary>
    public bool HasAny(string userId) => _active.Values.Contains(userId);

    /// <summary>Stops every request of the user being answered now; the number stopped.</summary>
    public int StopAllOf(string userId, string reason)
    {
        var stopped = 0;
        foreach (var (generation, owner) in _active)
        {
            if (owner == userId)
            {
                generation.Stop(reason);
                stopped++;
            }
        }

        return stopped;
    }

    public async Task<ApiGeneration> StartAsync(ApiCaller caller, ApiModelResolution model, ChatRequest request, CancellationToken cancellationToken)
    {
        // Under a daily token limit the answer may write only what its reservation covers.
        var lease = await quotas.AcquireAsync(caller.UserId, request.MaxTokens, cancellationToken);
        IAsyncEnumerator<ChatUpdate>? updates = null;
        // Ends the engine's work when the client went away or stopped reading, so its summary (and usage) arrives.
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            if (model.Model is { } installed)
            {
                await serving.LoadAsync(installed, new LoadRequest(await models.PrincipalOfAsync(caller, cancellationToken)), cancellationToken);
            }

            request = request with
            {
                UserKey = caller.UserId,
                CacheScope = (options?.Value ?? new ApiOptions()).CacheScopeOf(caller.UserId),
                Share = shares is null ? null : await shares.FindAsync(caller.UserId, cancellationToken),
                MaxTokens = lease.ReservedTokens is { } reserved ? (int)Math.Min(request.MaxTokens, reserved) : request.MaxTokens,
            };
            // An installed model that remote engines serve too is one model with several replicas: routed across them.
            var routedAs = model.Remote?.ModelName ?? (model.Model is not null ? serving.RemoteTwinOfLoaded() : null);
            updates = (routedAs is not null ? serving.StreamRemoteAsync(routedAs, request, stop.Token) : engine.StreamChatAsync(request, stop.Token))
                .GetAsyncEnumerator(stop.Token);
            // The engine refuses (busy, no model, no replica answers) on the first step; after it the request is queued or running.
            var first = await updates.MoveNextAsync() ? updates.Current : null;
            var generation = new ApiGeneration(updates, first, lease, stop, usage, caller, model.Id, logger, ended => _active.TryRemove(ended, out _));
            _active[generation] = caller.UserId;
            return generation;
        }
        catch
        {
            lease.Dispose();
            stop.Dispose();
            if (updates is not null)
            {
                await updates.DisposeAsync();
            }

            throw;
        }
    }
}
