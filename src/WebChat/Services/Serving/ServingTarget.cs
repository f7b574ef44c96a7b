namespace WebChat.Services.Serving;

/// <summary>Where a request goes: the in-process engine (<see cref="RemoteModel"/> null) or the remote engines serving that model id.</summary>
public sealed record ServingTarget(string? RemoteModel, string? DisplayName)
{
    public static ServingTarget Local { get; } = new(null, null);

    public bool IsRemote => RemoteModel is not null;
}
