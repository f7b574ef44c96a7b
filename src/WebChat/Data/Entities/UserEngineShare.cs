namespace WebChat.Data.Entities;

/// <summary>An administrator's raised share of the engine for one user; a missing row means the configured defaults.</summary>
public class UserEngineShare
{
    public required string UserId { get; set; }
    public ApplicationUser? User { get; set; }

    /// <summary>Answers this user may have written at once.</summary>
    public int MaxRunning { get; set; }

    /// <summary>Answers of this user that may wait beyond those.</summary>
    public int MaxQueued { get; set; }
}
