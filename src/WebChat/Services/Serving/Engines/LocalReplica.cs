using Microsoft.Extensions.Options;
using WebChat.Engine.Inference;

namespace WebChat.Services.Serving.Engines;

/// <summary>
/// The in-process engine as one more replica of a model the remote engines list. It is one while it holds, ready, a
/// GGUF whose file name (without ".gguf") or display name is that model id, ignoring case and any folder before it:
/// the name llama-server lists for the file it loaded (or its --alias), the display name a second WebChat lists.
/// Then the router weighs it beside the remote replicas (least busy, conversation affinity, failover), and once it is
/// chosen its own scheduler still shares it fairly between users. No mapping to keep: serving the same file, or
/// naming it the same, is what makes it the same model.
/// </summary>
public sealed class LocalReplica(IOptions<EnginesOptions> options, TimeProvider time, IInferenceEngine? engine = null)
{
    /// <summary>The name the router, usage records and the picker give the in-process engine.</summary>
    public const string Name = Chat.UsageWriter.LocalEngineName;

    private long _coolingDownUntilTicks;

    /// <summary>The in-process engine, or null when Engines:Local:Enabled turned it off (or this host has none).</summary>
    public IInferenceEngine? Engine => options.Value.Local.Enabled ? engine : null;

    /// <summary>Requests running and waiting on the in-process engine (all of them, not only those routed here).</summary>
    public int Load => Engine?.Status is { } status ? status.ActiveSequences + status.QueuedRequests : 0;

    /// <summary>Whether the in-process engine holds, ready, the model the remote engines list as <paramref name="model"/>.</summary>
    public bool Serves(string model) =>
        Engine?.Status is { State: EngineState.Ready, ModelPath: { } path } status && IsSameModel(model, path, status.ModelName);

    /// <summary>The rule of <see cref="LocalReplica"/>: a remote model id names the local file, or the local display name.</summary>
    public static bool IsSameModel(string remoteModel, string localPath, string? localDisplayName)
    {
        var remoteName = StemOf(remoteModel);
        return remoteName.Length > 0
            && (string.Equals(remoteName, StemOf(localPath), StringComparison.OrdinalIgnoreCase)
                || string.Equals(remoteModel.Trim(), localDisplayName?.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    public bool IsCoolingDown(DateTimeOffset now) => now.UtcTicks < Interlocked.Read(ref _coolingDownUntilTicks);

    /// <summary>Takes no routed requests until <paramref name="until"/> (it failed one before its first token); its own users are unaffected.</summary>
    public void CoolDown(DateTimeOffset until) => Interlocked.Exchange(ref _coolingDownUntilTicks, until.UtcTicks);

    public DateTimeOffset Now => time.GetUtcNow();

    // "models/owner/repo/file.Q8_0.gguf" and "file.Q8_0" both give "file.Q8_0".
    private static string StemOf(string name)
    {
        var file = name.Trim().Replace('\\', '/');
        file = file[(file.LastIndexOf('/') + 1)..];
        return file.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? file[..^".gguf".Length] : file;
    }
}
