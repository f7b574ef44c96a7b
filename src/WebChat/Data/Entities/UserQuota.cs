namespace WebChat.Data.Entities;

/// <summary>Limits an admin set for one user, for the chat page and the API alike; null means no limit.</summary>
public class UserQuota
{
    public required string UserId { get; set; }
    public int? RequestsPerMinute { get; set; }
    public long? TokensPerDay { get; set; }
    public int? ConcurrentRequests { get; set; }
}
