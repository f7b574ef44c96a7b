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
/// cache of that user's earlier prompts (a resent system prompt and history) and never another user's unless an admin
/// widened it.
/// </summary>
public sealed class ApiGenerations(
    IInferenceEngine engine, ModelServing serving, ApiModels models, QuotaService quotas, UsageWriter usage, ILogger<ApiGenerations> logger,
    EngineShares? shares = null, IOptions<ApiOptions>? options = null)
{
    public async Task<ApiGeneration> StartAsync(ApiCaller caller, ApiModelResolution model, ChatRequest request, CancellationToken cancellationToken)
    {
        var lease = await quotas.AcquireAsync(caller.UserId, cancellationToken);
        IAsyncEnumerator<ChatUpdate>? updates = null;
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
            };
            updates = (model.Remote is { } remote ? serving.StreamRemoteAsync(remote.ModelName, request, cancellationToken) : engine.StreamChatAsync(request, cancellationToken))
                .GetAsyncEnumerator(cancellationToken);
            // The engine refuses (busy, no model, no replica answers) on the first step; after it the request is queued or running.
            var first = await updates.MoveNextAsync() ? updates.Current : null;
            return new ApiGeneration(updates, first, lease, usage, caller, model.Id, logger);
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
