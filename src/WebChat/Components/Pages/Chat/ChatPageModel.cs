using System.Security.Claims;
using Microsoft.Extensions.Options;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;
using WebChat.Services.Knowledge;
using WebChat.Services.Markdown;
using WebChat.Services.Models;
using WebChat.Services.Quotas;
using WebChat.Services.Serving;

namespace WebChat.Components.Pages.Chat;

/// <summary>The chat page's app services in one place, and the page's one model rule: when the composer is closed, and why.</summary>
public sealed class ChatPageModel(
    ConversationService conversations,
    GenerationService generations,
    QuotaService quotas,
    ConversationTransfer transfer,
    SettingsService settings,
    ModelServing serving,
    IMarkdownRenderer markdown,
    IOptions<ChatOptions> chatOptions,
    ConversationKnowledge knowledge,
    KnowledgeService collections,
    IngestionQueue ingestion,
    IOptions<KnowledgeOptions> knowledgeOptions)
{
    public ConversationService Conversations => conversations;
    public GenerationService Generations => generations;
    public QuotaService Quotas => quotas;
    public ConversationTransfer Transfer => transfer;
    public SettingsService Settings => settings;

    /// <summary>Which models exist, are offered, and are loaded: the page asks serving, never the engine.</summary>
    public ModelServing Serving => serving;
    public IMarkdownRenderer Markdown => markdown;
    public ChatOptions ChatOptions => chatOptions.Value;

    /// <summary>The chat's files and collections: attach, pick, and the sources each answer was given.</summary>
    public ConversationKnowledge Knowledge => knowledge;

    /// <summary>The collections a person may pick.</summary>
    public KnowledgeService Collections => collections;

    /// <summary>Progress of the attached files being read.</summary>
    public IngestionQueue Ingestion => ingestion;
    public KnowledgeOptions KnowledgeOptions => knowledgeOptions.Value;

    /// <summary>The models <paramref name="user"/>'s picker shows and whether a default model would load on demand.</summary>
    public async Task<(IReadOnlyList<ModelChoice> Models, bool HasDefaultModel)> ModelsAsync(ClaimsPrincipal user) =>
        (await serving.OfferedAsync(user), await serving.HasDefaultModelAsync());

    /// <summary>Why the composer is closed now, or null when a message would be answered (perhaps after a load).</summary>
    public static string? DisabledReason(EngineStatus status, IReadOnlyList<ModelChoice> models, bool hasDefaultModel, bool isAdmin) => status.State switch
    {
        // A remote model answers this person's messages (their pick, the default, or the first one offered).
        _ when models.Any(m => m.IsRemote && m.IsLoaded) => null,
        EngineState.Ready => null,
        _ when status.Error == WebChat.Services.Serving.Engines.DisabledInferenceEngine.Reason =>
            models.Any(m => m.IsRemote) ? "No engine serving your model answers right now. Try again in a moment, or ask your admin." : "No remote engine serves a model yet. Ask your admin.",
        // Loaded on demand: the message waits for the model (idle reload, default model, reload after a crash).
        _ when ModelServing.LoadsOnDemand(status, hasDefaultModel) => null,
        EngineState.Loading => $"The model is loading ({status.LoadProgress:P0}). You can write as soon as it is ready.",
        EngineState.Failed => $"The model failed to load: {status.Error ?? "unknown error"}. {(isAdmin ? "Pick another model or try again." : "Ask an admin to load a model.")}",
        _ when models.Count == 0 => isAdmin ? "No model is loaded: none is installed yet. Get started above." : "No model is loaded: none is installed yet. Ask your admin.",
        _ => isAdmin ? "No model is loaded. Pick one above and press Load." : "No model is loaded. Ask an admin to load one.",
    };
}
