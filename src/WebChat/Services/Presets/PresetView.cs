namespace WebChat.Services.Presets;

/// <summary>A preset as the admin page edits it and the chat's picker lists it.</summary>
public sealed record PresetView(
    Guid Id,
    string Name,
    string? Description,
    string BaseModelId,
    string? SystemPrompt,
    float? Temperature,
    float? TopP,
    int? MaxTokens);
