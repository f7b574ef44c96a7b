using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference.Native;

public sealed class NativeLibraryOptionsValidatorTests
{
    [Fact]
    public void A_missing_native_library_folder_fails_validation_naming_the_setting()
    {
        var missing = Path.Combine(Path.GetTempPath(), "webchat-missing-" + Guid.NewGuid().ToString("N"));
        using var services = new ServiceCollection().AddLogging().AddWebChatInference(o => o.NativeLibrary = missing).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<InferenceOptions>>().Value);

        Assert.Contains($"Inference:NativeLibrary names the folder {missing}, which does not exist.", error.Failures);
    }

    [Fact]
    public void A_folder_without_libllama_fails_validation_naming_the_setting()
    {
        var empty = Directory.CreateTempSubdirectory("webchat-empty-").FullName;
        using var services = new ServiceCollection().AddLogging().AddWebChatInference(o => o.NativeLibrary = empty).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<InferenceOptions>>().Value);

        Assert.Contains(error.Failures, failure => failure.StartsWith("Inference:NativeLibrary", StringComparison.Ordinal) && failure.Contains("holds no libllama", StringComparison.Ordinal));
        Directory.Delete(empty);
    }

    [Fact]
    public void No_native_library_setting_is_valid()
    {
        using var services = new ServiceCollection().AddLogging().AddWebChatInference().BuildServiceProvider();

        Assert.Null(services.GetRequiredService<IOptions<InferenceOptions>>().Value.NativeLibrary);
    }
}
