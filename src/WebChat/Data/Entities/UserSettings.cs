namespace WebChat.Data.Entities;

/// <summary>A user's preferences; a missing row means every default.</summary>
public class UserSettings
{
    public required string UserId { get; set; }
    public ApplicationUser? User { get; set; }
    public ThemePreference Theme { get; set; } = ThemePreference.System;
    public string? SystemPrompt { get; set; }
    public float? Temperature { get; set; }
    public float? TopP { get; set; }
    public int? MaxTokens { get; set; }
    public string? DefaultModelId { get; set; }
}

/// <summary>Light, dark, or whatever the browser prefers; stored as text.</summary>
public enum ThemePreference
{
    System,
    Light,
    Dark,
}
