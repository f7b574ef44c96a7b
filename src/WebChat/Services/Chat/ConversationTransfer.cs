using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Chat;

/// <summary>Exports a conversation as Markdown or JSON and imports the JSON back as a new conversation.</summary>
public sealed class ConversationTransfer(
    IDbContextFactory<WebChatDbContext> dbFactory,
    ConversationService conversations,
    IOptions<ChatOptions> options,
    TimeProvider time)
{
    public const string Format = "webchat.conversation";
    public const int Version = 1;

    // When each user's recent imports happened, for the per-hour limit; kept in memory, so a restart forgets it.
    private readonly Dictionary<string, Queue<DateTimeOffset>> _imports = [];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<string> ExportMarkdownAsync(string userId, Guid id, CancellationToken cancellationToken = default)
    {
        var conversation = await conversations.GetAsync(userId, id, cancellationToken);
        var text = new StringBuilder().Append("# ").AppendLine(conversation.Title).AppendLine();
        foreach (var message in conversation.Messages)
        {
            var who = message.Role == MessageRole.User ? "You" : $"Assistant{(message.Model is null ? "" : $" ({message.Model})")}";
            text.Append("## ").AppendLine(who).AppendLine();
            if (!string.IsNullOrEmpty(message.Reasoning))
            {
                // Apart from the answer: a collapsed block that Markdown viewers show as "Reasoning".
                text.AppendLine("<details><summary>Reasoning</summary>").AppendLine().AppendLine(message.Reasoning).AppendLine().AppendLine("</details>").AppendLine();
            }

            text.AppendLine(message.Content).AppendLine();
            if (message.Citations is { Count: > 0 } citations)
            {
                text.AppendLine("Sources:").AppendLine();
                foreach (var citation in citations)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{citation.Number}. {citation.Location}").AppendLine()
                        .AppendLine().Append("   > ").AppendLine(citation.Text.ReplaceLineEndings(" ")).AppendLine();
                }
            }

            if (message.Status is MessageStatus.Stopped or MessageStatus.Failed)
            {
                text.Append("> ").AppendLine(message.Status == MessageStatus.Stopped ? "(stopped)" : $"(failed: {message.Error})").AppendLine();
            }
        }

        return text.ToString();
    }

    public async Task<string> ExportJsonAsync(string userId, Guid id, CancellationToken cancellationToken = default)
    {
        var conversation = await conversations.GetAsync(userId, id, cancellationToken);
        var file = new ConversationFile(
            Format,
            Version,
            conversation.Title,
            conversation.Overrides,
            conversation.Messages
                .Select(m => new MessageFile(m.Role, m.Content, m.Status, m.Error, m.Model, m.CreatedAt, m.Reasoning, m.ReasoningMs,
                    m.Citations?.Select(c => new CitationFile(c.Number, c.FileName, c.Page, c.Heading, c.Text)).ToList()))
                .ToList());
        return JsonSerializer.Serialize(file, Json);
    }

    /// <summary>Creates a new conversation of <paramref name="userId"/> from an exported JSON file; returns its id.</summary>
    public async Task<Guid> ImportJsonAsync(string userId, Stream json, CancellationToken cancellationToken = default)
    {
        var file = await ReadAsync(json, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await CheckStoredTotalAsync(db, userId, file, cancellationToken);
        TakeImportSlot(userId);
        var now = time.GetUtcNow().UtcDateTime;
        var conversation = new Conversation
        {
            UserId = userId,
            Title = string.IsNullOrWhiteSpace(file.Title) ? TitleMaker.Fallback : file.Title.Trim()[..Math.Min(200, file.Title.Trim().Length)],
            SystemPrompt = file.Overrides?.SystemPrompt,
            Temperature = file.Overrides?.Temperature,
            TopP = file.Overrides?.TopP,
            MaxTokens = file.Overrides?.MaxTokens,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Conversations.Add(conversation);
        var sequence = 0;
        foreach (var message in file.Messages)
        {
            db.Messages.Add(new Message
            {
                ConversationId = conversation.Id,
                Sequence = sequence++,
                Role = message.Role,
                Content = message.Content,
                // An answer that was streaming when exported is, in the copy, simply stopped.
                Status = message.Status == MessageStatus.Streaming ? MessageStatus.Stopped : message.Status,
                Error = message.Error,
                Model = message.Model,
                CreatedAt = message.CreatedAt ?? now,
                Reasoning = message.Role == MessageRole.Assistant ? message.Reasoning : null,
                ReasoningMs = message.Role == MessageRole.Assistant ? message.ReasoningMs : null,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        return conversation.Id;
    }

    /// <summary>Counts an import against the user's hour, or refuses it: each file is a database write of up to MaxImportBytes.</summary>
    private void TakeImportSlot(string userId)
    {
        var now = time.GetUtcNow();
        lock (_imports)
        {
            if (!_imports.TryGetValue(userId, out var recent))
            {
                _imports[userId] = recent = new Queue<DateTimeOffset>();
            }

            while (recent.Count > 0 && recent.Peek() <= now - TimeSpan.FromHours(1))
            {
                recent.Dequeue();
            }

            var limit = options.Value.MaxImportsPerHour;
            if (recent.Count >= limit)
            {
                var wait = recent.Peek() + TimeSpan.FromHours(1) - now;
                throw new ConversationImportException(
                    $"You can import {limit} conversations an hour. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minutes.");
            }

            recent.Enqueue(now);
        }
    }

    private async Task CheckStoredTotalAsync(WebChatDbContext db, string userId, ConversationFile file, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxStoredCharactersPerUser;
        var stored = await (
                from message in db.Messages
                join conversation in db.Conversations on message.ConversationId equals conversation.Id
                where conversation.UserId == userId
                select (long)message.Content.Length + (message.Reasoning == null ? 0 : message.Reasoning.Length))
            .SumAsync(cancellationToken);
        var adding = file.Messages.Sum(m => (long)m.Content.Length + (m.Reasoning?.Length ?? 0));
        if (stored + adding > limit)
        {
            throw new ConversationImportException(
                $"Your conversations hold {stored:N0} characters and this file adds {adding:N0}; one account can store at most {limit:N0} characters. Delete some conversations first.");
        }
    }

    private async Task<ConversationFile> ReadAsync(Stream json, CancellationToken cancellationToken)
    {
        using var limited = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await json.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (limited.Length + read > options.Value.MaxImportBytes)
            {
                throw new ConversationImportException($"The file is larger than {options.Value.MaxImportBytes / 1_000_000.0:0.#} MB.");
            }

            limited.Write(buffer, 0, read);
        }

        ConversationFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ConversationFile>(limited.ToArray(), Json);
        }
        catch (JsonException ex)
        {
            throw new ConversationImportException($"The file is not valid conversation JSON ({ex.Message}).");
        }

        Validate(file);
        return file!;
    }

    private void Validate(ConversationFile? file)
    {
        if (file is null || file.Format != Format)
        {
            throw new ConversationImportException($"The file is not a WebChat conversation export (expected \"format\": \"{Format}\").");
        }

        if (file.Version != Version)
        {
            throw new ConversationImportException($"The file has version {file.Version}; this app reads version {Version}.");
        }

        if (file.Messages is null || file.Messages.Count == 0)
        {
            throw new ConversationImportException("The file has no messages.");
        }

        if (file.Messages.Any(m => m is null || m.Content is null || m.Role == MessageRole.System || !Enum.IsDefined(m.Role) || !Enum.IsDefined(m.Status)))
        {
            throw new ConversationImportException("Every message needs a role (User or Assistant), a status and content.");
        }

        ValidateSize(file.Messages);
        ValidateOverrides(file.Overrides);
    }

    private void ValidateSize(List<MessageFile> messages)
    {
        var limits = options.Value;
        if (messages.Count > limits.MaxImportMessages)
        {
            throw new ConversationImportException($"The file has {messages.Count:N0} messages; an import can have at most {limits.MaxImportMessages:N0}.");
        }

        var index = messages.FindIndex(m => m.Content.Length > GenerationService.MaxMessageLength * 10);
        if (index >= 0)
        {
            throw new ConversationImportException($"\"messages[{index}].content\" is {messages[index].Content.Length:N0} characters; a message can have at most {GenerationService.MaxMessageLength * 10:N0}.");
        }

        index = messages.FindIndex(m => m.Reasoning?.Length > GenerationService.MaxMessageLength * 10);
        if (index >= 0)
        {
            throw new ConversationImportException($"\"messages[{index}].reasoning\" is {messages[index].Reasoning!.Length:N0} characters; it can have at most {GenerationService.MaxMessageLength * 10:N0}.");
        }

        var total = messages.Sum(m => (long)m.Content.Length);
        if (total > limits.MaxImportCharacters)
        {
            throw new ConversationImportException($"The messages have {total:N0} characters in all; an import can have at most {limits.MaxImportCharacters:N0}.");
        }
    }

    // The same ranges the settings page enforces, with the field named, so a bad file fails here and not at the next answer.
    private static void ValidateOverrides(ConversationOverrides? overrides)
    {
        if (overrides is null)
        {
            return;
        }

        if (overrides.Temperature is { } temperature && (temperature is < 0 or > SamplingRules.MaxTemperature || float.IsNaN(temperature)))
        {
            throw new ConversationImportException($"\"overrides.temperature\" is {temperature}; it must be between 0 and {SamplingRules.MaxTemperature}.");
        }

        if (overrides.TopP is { } topP && (topP is <= 0 or > 1 || float.IsNaN(topP)))
        {
            throw new ConversationImportException($"\"overrides.topP\" is {topP}; it must be above 0 and at most 1.");
        }

        if (overrides.MaxTokens is { } maxTokens && maxTokens is < 1 or > SamplingRules.MaxTokensLimit)
        {
            throw new ConversationImportException($"\"overrides.maxTokens\" is {maxTokens}; it must be between 1 and {SamplingRules.MaxTokensLimit}.");
        }

        if (overrides.SystemPrompt?.Length > SamplingRules.MaxSystemPromptLength)
        {
            throw new ConversationImportException($"\"overrides.systemPrompt\" is {overrides.SystemPrompt.Length:N0} characters; it can have at most {SamplingRules.MaxSystemPromptLength:N0}.");
        }
    }

    private sealed record ConversationFile(
        string Format,
        int Version,
        string Title,
        ConversationOverrides? Overrides,
        List<MessageFile> Messages);

    private sealed record MessageFile(
        MessageRole Role,
        string Content,
        MessageStatus Status,
        string? Error,
        string? Model,
        DateTime? CreatedAt,
        string? Reasoning = null,
        double? ReasoningMs = null,
        // The sources an answer was given; written for the reader, not read back by import (the files are not in the export).
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<CitationFile>? Sources = null);

    private sealed record CitationFile(int Number, string FileName, int? Page, string? Heading, string Text);
}
