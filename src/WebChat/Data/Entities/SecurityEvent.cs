namespace WebChat.Data.Entities;

/// <summary>One sign-in protection event (a lockout, a throttled attempt), counted on Admin › Users.</summary>
public class SecurityEvent
{
    public long Id { get; set; }

    public required string Kind { get; set; }

    /// <summary>The account the attempt named (an e-mail as typed, or a user id); empty when none.</summary>
    public string Account { get; set; } = "";

    public string ClientAddress { get; set; } = "";

    public DateTime At { get; set; }
}
