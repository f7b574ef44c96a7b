using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Quotas;

namespace WebChat.Services.Chat;

/// <summary>
/// Sends, regenerates and edits: writes the user's side first, then an empty "streaming" answer, then hands
/// the request to <see cref="GenerationRunner"/>, which runs detached from the page that asked. Each returns the
/// live answer, so the caller shows it without reading it back.
/// </summary>
public sealed class GenerationService(
    IDbContextFactory<WebChatDbContext> dbFactory,
    GenerationRunner runner,
    SettingsService settings,
    IInferenceEngine engine,
    IOptions<ChatOptions> options,
    TimeProvider time,
    QuotaService quotas,
    EngineShares? shares = null,
    Presets.PresetService? presets = null,
    Serving.ModelServing? serving = null,
    Knowledge.ConversationKnowledge? knowledge = null,
    Nodes.INodeLocks? nodeLocks = null)
{
    public const int MaxMessageLength = MessageLimits.MaxLength;

    /// <summary>Saves the message (starting a conversation when <paramref name="conversationId"/> is null) and starts the answer.</summary>
    public async Task<ActiveGeneration> SendAsync(string userId, Guid? conversationId, string text, CancellationToken cancellationToken = default)
    {
        ValidateText(text);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = conversationId is { } id
            ? await LoadOwnedAsync(db, userId, id, cancellationToken)
            : NewConversation(db, userId, text);

        return await ClaimAndStartAsync(db, userId, conversation, () =>
        {
            if (conversation.Messages.Count == 0 && conversation.Title == TitleMaker.Fallback)
            {
                conversation.Title = TitleMaker.FromFirstMessage(text, options.Value.TitleLength); // started empty, files attached first
            }

            AddMessage(db, conversation, MessageRole.User, text, MessageStatus.Complete);
            conversation.UpdatedAt = Now;
        }, cancellationToken);
    }

    /// <summary>Replaces the last answer with a new one.</summary>
    public async Task<ActiveGeneration> RegenerateAsync(string userId, Guid conversationId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = await LoadOwnedAsync(db, userId, conversationId, cancellationToken);
        return await ClaimAndStartAsync(db, userId, conversation, () =>
        {
            var trailingAnswers = conversation.Messages.OrderByDescending(m => m.Sequence).TakeWhile(m => m.Role == MessageRole.Assistant).ToList();
            db.Messages.RemoveRange(trailingAnswers);
            if (conversation.Messages.Except(trailingAnswers).MaxBy(m => m.Sequence) is not { Role: MessageRole.User })
            {
                throw new InvalidChatOperationException("There is no question to answer again.");
            }

            conversation.Messages.RemoveAll(trailingAnswers.Contains);
        }, cancellationToken);
    }

    /// <summary>Changes one of the user's messages, removes everything after it and answers it again.</summary>
    public async Task<ActiveGeneration> EditAndResendAsync(string userId, Guid conversationId, Guid messageId, string text, CancellationToken cancellationToken = default)
    {
        ValidateText(text);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = await LoadOwnedAsync(db, userId, conversationId, cancellationToken);
        var edited = conversation.Messages.SingleOrDefault(m => m.Id == messageId && m.Role == MessageRole.User)
            ?? throw new InvalidChatOperationException("Only your own messages in this conversation can be edited.");
        return await ClaimAndStartAsync(db, userId, conversation, () =>
        {
            var later = conversation.Messages.Where(m => m.Sequence > edited.Sequence).ToList();
            db.Messages.RemoveRange(later);
            conversation.Messages.RemoveAll(later.Contains);
            edited.Content = text;
        }, cancellationToken);
    }

    /// <summary>The answer being written in the user's conversation, if any (never another user's).</summary>
    public ActiveGeneration? Find(string userId, Guid conversationId) =>
        runner.Find(conversationId) is { } generation && generation.UserId == userId ? generation : null;

    /// <summary>Stops the answer being written in this conversation, if it is the user's; false when there is none.</summary>
    public bool Stop(string userId, Guid conversationId)
    {
        if (Find(userId, conversationId) is not { } generation)
        {
            return false;
        }

        generation.Stop();
        return true;
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    // Claims the conversation (and a quota slot) first, so two sends cannot both change it; given back if anything fails.
    private async Task<ActiveGeneration> ClaimAndStartAsync(
        WebChatDbContext db, string userId, Conversation conversation, Action changeUserSide, CancellationToken cancellationToken)
    {
        var generation = await ClaimAsync(userId, conversation.Id, cancellationToken);
        try
        {
            changeUserSide();
            await db.SaveChangesAsync(cancellationToken);
            await StartAsync(db, conversation, generation, cancellationToken);
            return generation;
        }
        catch
        {
            runner.Abandon(generation);
            throw;
        }
    }

    private async Task StartAsync(WebChatDbContext db, Conversation conversation, ActiveGeneration generation, CancellationToken cancellationToken)
    {
        var userSettings = await settings.GetAsync(generation.UserId, cancellationToken);
        var request = ChatRequestBuilder.Build(conversation, conversation.Messages, userSettings, options.Value);
        if (shares is not null)
        {
            request = request with { Share = await shares.FindAsync(generation.UserId, cancellationToken) };
        }

        if (presets is not null && await presets.ForUserAsync(generation.UserId, cancellationToken) is { } preset)
        {
            request = Presets.PresetService.Apply(request, preset);
            (generation.PresetName, generation.PresetModelId) = (preset.Name, preset.BaseModelId);
        }

        var target = serving is null ? Serving.ServingTarget.Local : await serving.TargetForChatAsync(generation.UserId, generation.PresetModelId, cancellationToken);
        generation.RemoteModel = target.RemoteModel;
        var model = target.IsRemote ? target.DisplayName : engine.Status.ModelName;
        var sources = await RetrieveSourcesAsync(conversation, generation.UserId, request, target.IsRemote, cancellationToken);
        if (sources is not null)
        {
            request = ChatRequestBuilder.WithSources(request, sources.SystemText);
        }

        var answer = AddMessage(db, conversation, MessageRole.Assistant, "", MessageStatus.Streaming, generation.MessageId);
        answer.Model = model;
        if (sources is not null)
        {
            db.MessageCitations.AddRange(Knowledge.ConversationKnowledge.Rows(answer.Id, sources.Citations));
        }

        conversation.UpdatedAt = Now;
        await db.SaveChangesAsync(cancellationToken);
        runner.Start(generation, request, model);
    }

    // The chat's collections and attached files (and any "#name" in the question), fitted to the context the answer
    // will run in: the loaded model's, or for a remote engine (or a model still to load) the engine's default.
    // Reading is the same for admins and others, so the actor is not an admin here.
    private async Task<Knowledge.RetrievedSources?> RetrieveSourcesAsync(
        Conversation conversation, string userId, ChatRequest request, bool remote, CancellationToken cancellationToken)
    {
        if (knowledge is null || conversation.Messages.Where(m => m.Role == MessageRole.User).MaxBy(m => m.Sequence) is not { } question)
        {
            return null;
        }

        var loaded = engine.Status.ContextPerSequence;
        var context = remote || loaded == 0 ? ModelLoadOptions.DefaultContextPerSequence : loaded;
        // The answer's room is what the engine keeps for it (at most a quarter here), not the whole max tokens: a
        // 4,096-token max on a 4,096-token context would leave sources nothing.
        var answerRoom = Math.Min(request.MaxTokens, context / 4);
        return await knowledge.RetrieveAsync(new Knowledge.KnowledgeActor(userId, IsAdmin: false), conversation.Id, question.Content, context, answerRoom, cancellationToken);
    }

    // The same quota as the API's: a user over a limit gets QuotaExceededException with words for the page.
    private async Task<ActiveGeneration> ClaimAsync(string userId, Guid conversationId, CancellationToken cancellationToken)
    {
        var generation = runner.Claim(userId, conversationId);
        try
        {
            generation.QuotaLease = await quotas.AcquireAsync(userId, cancellationToken);
            if (nodeLocks is { IsShared: true })
            {
                // Taken before the answer's row exists: another node never sees it streaming without a live owner.
                var name = Nodes.NodeLockNames.Answer(generation.MessageId);
                await nodeLocks.TryTakeAsync(name, cancellationToken);
                generation.NodeLock = new Nodes.NodeLockLease(nodeLocks, name);
            }

            return generation;
        }
        catch
        {
            runner.Abandon(generation);
            throw;
        }
    }

    private Conversation NewConversation(WebChatDbContext db, string userId, string text)
    {
        var conversation = new Conversation
        {
            UserId = userId,
            Title = TitleMaker.FromFirstMessage(text, options.Value.TitleLength),
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        db.Conversations.Add(conversation);
        return conversation;
    }

    private Message AddMessage(WebChatDbContext db, Conversation conversation, MessageRole role, string content, MessageStatus status, Guid? id = null)
    {
        var message = new Message
        {
            Id = id ?? Guid.NewGuid(),
            ConversationId = conversation.Id,
            Sequence = conversation.Messages.Count == 0 ? 0 : conversation.Messages.Max(m => m.Sequence) + 1,
            Role = role,
            Content = content,
            Status = status,
            CreatedAt = Now,
        };
        conversation.Messages.Add(message);
        db.Messages.Add(message);
        return message;
    }

    private static async Task<Conversation> LoadOwnedAsync(WebChatDbContext db, string userId, Guid id, CancellationToken cancellationToken) =>
        await db.Conversations.Include(c => c.Messages)
            .SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, cancellationToken)
        ?? throw new ConversationNotFoundException(id);

    private static void ValidateText(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidChatOperationException("Write a message first.");
        }

        if (MessageLimits.Check(text) is { } tooLong)
        {
            throw new InvalidChatOperationException(tooLong);
        }
    }
}
