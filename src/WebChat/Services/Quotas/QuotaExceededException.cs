using WebChat.Services.Chat;

namespace WebChat.Services.Quotas;

/// <summary>A user's limit is reached; <see cref="RetryAfter"/> says when the next request can go through.</summary>
public sealed class QuotaExceededException(string message, TimeSpan retryAfter) : ChatException(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
