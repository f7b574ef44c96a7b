using WebChat.Engine.Catalog;

namespace WebChat.Services.Models;

/// <summary>
/// A model as the chat's picker shows it: an installed one (size, estimate, <see cref="Fit"/>, null when the file could
/// not be read) or one served by remote engines (<see cref="Engines"/> names its replicas). <see cref="IsLoaded"/> says
/// the model answers now: the file the engine holds, or the remote model this user's messages go to.
/// </summary>
public sealed record ModelChoice(
    string Id, string Name, long SizeBytes, string? Quantization, long? EstimatedBytes, FitVerdict? Fit, bool IsLoaded, bool UserSelectable = false,
    IReadOnlyList<string>? Engines = null, bool IsAvailable = true)
{
    public bool IsRemote => Engines is not null;
}
