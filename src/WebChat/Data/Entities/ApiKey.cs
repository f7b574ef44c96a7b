namespace WebChat.Data.Entities;

/// <summary>A user's key for the OpenAI-compatible API. Only the SHA-256 of the secret is stored; the secret is shown once.</summary>
public class ApiKey
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string UserId { get; set; }
    public required string Name { get; set; }

    /// <summary>The first characters of the secret, so a person can tell keys apart without the secret.</summary>
    public required string Prefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole secret.</summary>
    public required string SecretHash { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime? LastUsedAt { get; set; }

    /// <summary>Set when revoked; the row stays so usage records keep the key's name.</summary>
    public DateTime? RevokedAt { get; set; }
}
