namespace WebChat.Engine.Inference;

/// <summary>One user's place in the scheduler: admission counts them (under its lock), the loop alone counts the rest.</summary>
internal sealed class UserShareState(string? key)
{
    public string? Key { get; } = key;

    /// <summary>Requests of this user that are waiting or generating; guarded by <see cref="UserAdmission"/>'s lock.</summary>
    public int InSystem { get; set; }

    /// <summary>Requests of this user holding a sequence; the loop's alone.</summary>
    public int Running { get; set; }

    /// <summary>The loop's clock when a request of this user last got a sequence; the user served longest ago goes first on a tie.</summary>
    public long LastStarted { get; set; }
}
