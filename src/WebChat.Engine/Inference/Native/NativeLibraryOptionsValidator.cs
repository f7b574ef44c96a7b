using Microsoft.Extensions.Options;

namespace WebChat.Engine.Inference.Native;

/// <summary>Stops the start when Inference:NativeLibrary names a folder that is missing or holds no libllama.</summary>
internal sealed class NativeLibraryOptionsValidator : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        if (options.NativeLibrary is not { Length: > 0 } folder)
        {
            return ValidateOptionsResult.Success;
        }

        if (!Directory.Exists(folder))
        {
            return ValidateOptionsResult.Fail($"Inference:NativeLibrary names the folder {folder}, which does not exist.");
        }

        return NativeLibraryFiles.Locate(folder) is null
            ? ValidateOptionsResult.Fail($"Inference:NativeLibrary names the folder {folder}, which holds no libllama (build one with scripts/build-native.sh).")
            : ValidateOptionsResult.Success;
    }
}
