namespace WebChat.Data.Entities;

/// <summary>An admin's named preset: a base model with a system prompt and sampling settings, picked by users like a model.</summary>
public class Preset
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>The InstalledModel.Id the preset runs on.</summary>
    public required string BaseModelId { get; set; }
    public string? SystemPrompt { get; set; }
    public float? Temperature { get; set; }
    public float? TopP { get; set; }
    public int? MaxTokens { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}
