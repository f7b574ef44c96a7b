namespace WebChat.Engine.Inference;

/// <summary>Who said a turn of a conversation.</summary>
public enum ChatRole
{
    System,
    User,
    Assistant,
}

/// <summary>One turn of a conversation as the engine sees it.</summary>
public sealed record ChatTurn(ChatRole Role, string Content);

/// <summary>Sampling settings of one request; defaults follow llama.cpp's server.</summary>
public sealed record SamplingOptions
{
    public float Temperature { get; init; } = 0.8f;
    public float TopP { get; init; } = 0.95f;
    public int TopK { get; init; } = 40;
    public float MinP { get; init; } = 0.05f;
    public float RepeatPenalty { get; init; } = 1.1f;

    /// <summary>Fixed seed for reproducible output; null picks a random one.</summary>
    public uint? Seed { get; init; }
}

/// <summary>A chat completion request: the whole conversation so far plus how to answer it.</summary>
public sealed record ChatRequest
{
    public required IReadOnlyList<ChatTurn> Messages { get; init; }
    public SamplingOptions Sampling { get; init; } = new();
    public int MaxTokens { get; init; } = 1024;
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Identifies a conversation across turns so its KV cache prefix can be reused; null means no reuse.</summary>
    public string? ConversationKey { get; init; }

    /// <summary>
    /// Requests with the same scope may reuse each other's KV cache by their longest common token prefix (API calls that
    /// resend a system prompt and history). Only requests of one scope share: a shared cache shows in time to first
    /// token which prefixes others sent. Null: no reuse beyond <see cref="ConversationKey"/>.
    /// </summary>
    public string? CacheScope { get; init; }

    /// <summary>Who asked: sequences and queue places are shared fairly between users. Null is exempt from the per-user limits.</summary>
    public string? UserKey { get; init; }

    /// <summary>This user's limits when they differ from the configured ones (an admin raised them); null uses InferenceOptions.</summary>
    public UserShare? Share { get; init; }

    /// <summary>
    /// The router's fair queue already counts this request against its user's share in <see cref="UserRequestCounts"/>
    /// (it was let through there and holds that place until it ends): the engine does not count it a second time.
    /// </summary>
    public bool UserAlreadyCounted { get; init; }
}

/// <summary>
/// How many requests one user may have generating and waiting at once. The one statement of the per-user rule: the
/// in-process scheduler and the remote engines' fair queue both admit and refuse by it.
/// </summary>
public sealed record UserShare(int Running, int Queued)
{
    /// <summary>Requests the user may hold at once, generating plus waiting.</summary>
    public int Limit => Running + Queued;

    /// <summary>The share that applies: the user's own when an admin set one, else the configured default.</summary>
    public static UserShare Of(UserShare? own, InferenceOptions options) => own ?? new UserShare(options.MaxRunningPerUser, options.MaxQueuedPerUser);

    /// <summary>Throws UserBusyException when a user already holding <paramref name="inSystem"/> requests may not add one.</summary>
    public void EnsureRoomBeside(int inSystem)
    {
        if (inSystem >= Limit)
        {
            throw new UserBusyException(Limit);
        }
    }
}
