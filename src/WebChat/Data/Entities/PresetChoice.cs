namespace WebChat.Data.Entities;

/// <summary>The preset a user chats with; no row means no preset (or the first one when presets are enforced).</summary>
public class PresetChoice
{
    public required string UserId { get; set; }
    public Guid PresetId { get; set; }
}
