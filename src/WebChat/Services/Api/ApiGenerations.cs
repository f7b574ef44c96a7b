using Microsoft.Extensions.Options;
using WebChat.Engine.Inference;
using WebChat.Services.ApiKeys;
using WebChat.Services.Chat;
using WebChat.Services.Quotas;

namespace WebChat.Services.Api;

/// <summary>
/// Starts API requests on the same engine, quota and usage records as the chat page; creates no conversation.
/// Requests carry the caller as the engine's user key, so the per-user share and round-robin queue hold for API and
/// chat together. Throws QuotaExceededException, ModelNotReadyException, EngineBusyException or UserBusyException
/// before anything is sent. Each request names its caller's cache scope, so the engine reuses the KV cache of that
/// user's earlier prompts (a resent system prompt and history) and never another user's unless an admin widened it.
/// </summary>
public sealed class ApiGenerations(
    IInferenceEngine engine, QuotaService quotas, UsageWriter usage, ILogger<ApiGenerations> logger, EngineShares? shares = null, IOptions<ApiOptions>? options = null)
{
    public async Task<ApiGeneration> StartAsync(ApiCaller caller, string model, ChatRequest request, CancellationToken cancellationToken)
    {
        var lease = await quotas.AcquireAsync(caller.UserId, cancellationToken);
        IAsyncEnumerator<ChatUpdate>? updates = null;
        try
        {
            request = request with
            {
                UserKey = caller.UserId,
                CacheScope = (options?.Value ?? new ApiOptions()).CacheScopeOf(caller.UserId),
                Share = shares is null ? null : await shares.FindAsync(caller.UserId, cancellationToken),
            };
            updates = engine.StreamChatAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
            // The engine refuses (busy, no model) on the first step; after it the request is queued or running.
            var first = await updates.MoveNextAsync() ? updates.Current : null;
            return new ApiGeneration(updates, first, lease, usage, caller, model, logger);
        }
        catch
        {
            lease.Dispose();
            if (updates is not null)
            {
                await updates.DisposeAsync();
            }

            throw;
        }
    }
}
