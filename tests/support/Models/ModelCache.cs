using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using WebChat.Engine.Gguf.Writing;

namespace WebChat.Tests.Support.Models;

/// <summary>Generates a model once per spec into a folder and returns its path; safe across threads and processes.</summary>
internal static class ModelCache
{
    // Bump when the writer's output changes, so stale cached files are not reused.
    private const string GeneratorVersion = "1";
    private static readonly ConcurrentDictionary<string, object> Locks = new();

    public static string Get(LlamaModelSpec spec, string directory)
    {
        var path = Path.Combine(directory, FileName(spec));
        if (File.Exists(path))
        {
            return path;
        }

        lock (Locks.GetOrAdd(path, _ => new object()))
        {
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(directory);

                // WriteFile renames a finished temporary file into place, so another process never sees half a model.
                LlamaModelWriter.WriteFile(path, spec);
            }
        }

        return path;
    }

    private static string FileName(LlamaModelSpec spec)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(GeneratorVersion + spec));
        return $"{spec.Name}-{(spec.Mix == WeightMix.Uniform ? spec.WeightType.ToString() : spec.Mix.ToString())}-{Convert.ToHexStringLower(hash)[..12]}.gguf";
    }
}
