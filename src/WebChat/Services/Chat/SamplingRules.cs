namespace WebChat.Services.Chat;

/// <summary>The ranges a person may set for sampling; one place for settings and per-conversation overrides.</summary>
public static class SamplingRules
{
    public const float MaxTemperature = 2f;
    public const int MaxTokensLimit = 32768;

    /// <summary>Longest system prompt in Settings, a conversation's overrides, a preset or an imported file.</summary>
    public const int MaxSystemPromptLength = 20_000;

    public static void ValidateSystemPrompt(string? systemPrompt)
    {
        if (systemPrompt?.Length > MaxSystemPromptLength)
        {
            throw new InvalidChatOperationException(
                $"The system prompt is {systemPrompt.Length:N0} characters; it can have at most {MaxSystemPromptLength:N0} characters.");
        }
    }

    public static void Validate(float? temperature, float? topP, int? maxTokens)
    {
        if (temperature is < 0 or > MaxTemperature)
        {
            throw new InvalidChatOperationException($"Temperature must be between 0 and {MaxTemperature}.");
        }

        if (topP is <= 0 or > 1)
        {
            throw new InvalidChatOperationException("Top-p must be above 0 and at most 1.");
        }

        if (maxTokens is < 1 or > MaxTokensLimit)
        {
            throw new InvalidChatOperationException($"Max tokens must be between 1 and {MaxTokensLimit}.");
        }
    }
}
