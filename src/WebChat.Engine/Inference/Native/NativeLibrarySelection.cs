using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebChat.Engine.Inference.Native;

/// <summary>
/// Chooses the llama.cpp library once per process, before any native call: the folder in Inference:NativeLibrary
/// when the guard accepts it, else LLamaSharp's bundled one. Every native caller awaits <see cref="ApplyAsync"/> first.
/// </summary>
public sealed class NativeLibrarySelection
{
    private readonly InferenceOptions _options;
    private readonly NativeLibraryGuard _guard;
    private readonly ILogger<NativeLibrarySelection> _logger;
    private readonly Lazy<Task<NativeLibraryStatus>> _status;

    public NativeLibrarySelection(IOptions<InferenceOptions> options, NativeLibraryGuard guard, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _guard = guard;
        _logger = loggerFactory.CreateLogger<NativeLibrarySelection>();
        NativeLogRouter.Install(loggerFactory);
        _status = new Lazy<Task<NativeLibraryStatus>>(SelectAsync);
    }

    /// <summary>Outside a host: the guard's probe child is <paramref name="probeAssembly"/> (an app with the native-probe command).</summary>
    public static NativeLibrarySelection Create(InferenceOptions options, ILoggerFactory loggerFactory, string? probeAssembly = null) =>
        new(Options.Create(options), new NativeLibraryGuard(NativeProbeProcess.ForAssembly(probeAssembly ?? System.Reflection.Assembly.GetEntryAssembly()?.Location ?? "")), loggerFactory);

    /// <summary>The choice, made on the first call (a custom folder costs two short probe processes).</summary>
    public Task<NativeLibraryStatus> ApplyAsync() => _status.Value;

    private async Task<NativeLibraryStatus> SelectAsync()
    {
        var refusal = _options.NativeLibrary is { Length: > 0 } folder ? await TryConfigureAsync(folder) : null;
        var custom = _options.NativeLibrary is { Length: > 0 } && refusal is null;
        var status = new NativeLibraryStatus(NativeProbe.Describe(), custom, refusal, PhysicalCores.Count());
        if (refusal is not null)
        {
            _logger.LogWarning("Inference:NativeLibrary refused, the bundled llama.cpp serves instead: {Reason}", refusal);
        }

        _logger.LogInformation(
            "llama.cpp loaded from {Path} ({Variant}{Source}), {Threads} threads; ggml {Version} commit {Commit}; devices: {Devices}; system info: {SystemInfo}",
            status.Report.LlamaPath, status.Report.Variant, custom ? ", Inference:NativeLibrary" : ", bundled", status.Threads,
            status.Report.GgmlVersion, status.Report.GgmlCommit, string.Join("; ", status.Report.Devices), status.Report.SystemInfo);
        return status;
    }

    private async Task<string?> TryConfigureAsync(string folder)
    {
        var files = NativeLibraryFiles.Locate(folder);
        if (files is null)
        {
            return $"{folder} holds no libllama"; // The options validator stops the start before this; kept for hosts without it.
        }

        var refusal = await _guard.CheckAsync(files, CancellationToken.None);
        if (refusal is not null)
        {
            return refusal;
        }

        try
        {
            NativeProbe.Configure(files);
            return null;
        }
        catch (InvalidOperationException)
        {
            return "llama.cpp was already loaded in this process before the setting could be applied";
        }
    }
}
