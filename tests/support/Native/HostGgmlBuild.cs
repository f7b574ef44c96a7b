using Xunit;

namespace WebChat.Tests.Support.Native;

/// <summary>
/// The ggml built for this host by scripts/build-native.sh from the source matching the bundled build, beside the bundled
/// libllama. It takes a ggml repository and about 3 minutes of two cores, so tests find it where a developer built it
/// (WEBCHAT_HOST_GGML, else ~/.cache/webchat/native/ggml-a8f4315a-host) and are skipped without it, saying how to build it.
/// </summary>
public static class HostGgmlBuild
{
    public static string Folder { get; } = Environment.GetEnvironmentVariable("WEBCHAT_HOST_GGML") is { Length: > 0 } folder ? folder : Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "webchat", "native", "ggml-a8f4315a-host");

    public static bool Exists => File.Exists(Path.Combine(Folder, "libggml-cpu.so")) && File.Exists(Path.Combine(Folder, "libllama.so"));

    public static string SkipReason =>
        $"No host ggml build in {Folder}: build it with scripts/build-native.sh --ggml-source <ggml repository> --out {Folder} " +
        "(CI has no ggml source; the guard's refusal is covered there with node-llama-cpp's prebuilt ggml).";
}

/// <summary>A test that needs <see cref="HostGgmlBuild"/>; skipped, with how to build it, where it is absent.</summary>
public sealed class HostGgmlFactAttribute : FactAttribute
{
    public HostGgmlFactAttribute()
    {
        if (!HostGgmlBuild.Exists)
        {
            Skip = HostGgmlBuild.SkipReason;
        }
    }
}
