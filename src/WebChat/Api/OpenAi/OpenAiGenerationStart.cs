using WebChat.Engine.Inference;
using WebChat.Services.Api;
using WebChat.Services.ApiKeys;
using WebChat.Services.Models;
using WebChat.Services.Quotas;

namespace WebChat.Api.OpenAi;

/// <summary>Resolves the model and starts the generation, turning every refusal into its /v1 status (404, 429, 503).</summary>
public static class OpenAiGenerationStart
{
    public static async Task<(ApiGeneration? Generation, OpenAiError? Error)> StartAsync(
        OpenAiServices services, ApiCaller caller, MappedRequest request, CancellationToken cancellationToken)
    {
        var model = await services.Models.ResolveAsync(caller, request.Model, cancellationToken);
        switch (model.Match)
        {
            case ModelMatch.Unknown:
                return (null, OpenAiError.NotFound($"The model '{request.Model}' does not exist. GET /v1/models lists the models you may use.", "model", "model_not_found"));
            case ModelMatch.NotOffered:
                return (null, OpenAiError.NotFound(
                    $"The model '{request.Model}' is not offered to you (an admin chooses the models users may pick, or made presets the only choice). GET /v1/models lists the models you may use.",
                    "model", "model_not_found"));
        }

        try
        {
            return (await services.Generations.StartAsync(caller, model, request.Engine, cancellationToken), null);
        }
        catch (QuotaExceededException e)
        {
            return (null, OpenAiError.TooManyRequests(e.Message, "quota_exceeded", e.RetryAfter));
        }
        catch (UserBusyException e)
        {
            return (null, OpenAiError.TooManyRequests(e.Message, "user_busy", TimeSpan.FromSeconds(1)));
        }
        catch (EngineBusyException e)
        {
            return (null, OpenAiError.TooManyRequests(e.Message, "server_busy", TimeSpan.FromSeconds(1)));
        }
        catch (ModelNotReadyException e)
        {
            return (null, OpenAiError.Unavailable(e.Message, "model_not_ready", TimeSpan.FromSeconds(5)));
        }
        catch (ModelOperationException e)
        {
            // The model could not be loaded on demand (does not fit, not installed any more, the switch waited too long).
            return (null, OpenAiError.Unavailable(e.Message, "model_not_ready", TimeSpan.FromSeconds(5)));
        }
        catch (EngineException e)
        {
            services.Logger.LogWarning("The engine refused an API request: {Reason}", e.Message);
            return (null, OpenAiError.ServerError(e.Message));
        }
    }

    /// <summary>The /v1 name of how an answer ended, or the error to send instead when it did not end normally.</summary>
    public static (string? FinishReason, OpenAiError? Error) Outcome(ChatSummary? summary) => summary?.FinishReason switch
    {
        FinishReason.Stop => ("stop", null),
        FinishReason.Length => ("length", null),
        FinishReason.Error => (null, OpenAiError.ServerError(summary.Message ?? "The engine could not finish this answer.")),
        _ => (null, OpenAiError.Unavailable(summary?.Message ?? "The answer was cancelled by the server (the model was switched or unloaded).", "cancelled")),
    };

    public static OpenAiUsage UsageOf(ChatSummary? summary) =>
        new(summary?.PromptTokens ?? 0, summary?.CompletionTokens ?? 0, (summary?.PromptTokens ?? 0) + (summary?.CompletionTokens ?? 0))
        {
            PromptTokensDetails = new PromptTokensDetails(summary?.ReusedPromptTokens ?? 0),
        };
}
