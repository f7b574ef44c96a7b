using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Extensions;

namespace WebChat.Tests.Unit.App.Configuration;

public sealed class WebChatOptionsValidatorTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("webchat-options-").FullName;

    [Fact]
    public async Task A_data_directory_that_is_a_file_stops_the_start_with_a_message_that_names_it_and_the_fix()
    {
        var file = Path.Combine(scratch, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");
        using var host = BuildHost(file);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"WebChat:DataDirectory '{file}' is a file, not a folder.", error.Message, StringComparison.Ordinal);
        Assert.Contains("WEBCHAT_DATA_DIR", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ModelsDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_directory_that_cannot_be_created_is_rejected_with_the_reason()
    {
        var file = Path.Combine(scratch, "blocker");
        File.WriteAllText(file, "x");
        var below = Path.Combine(file, "data");

        var result = Validate(new WebChatOptions { DataDirectory = below });

        Assert.True(result.Failed);
        Assert.Contains($"WebChat:DataDirectory '{below}' cannot be created or written", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_path_that_is_a_folder_is_rejected()
    {
        var folder = Directory.CreateDirectory(Path.Combine(scratch, "db-folder")).FullName;

        var result = Validate(new WebChatOptions { DataDirectory = scratch, DatabasePath = folder });

        Assert.Contains($"WebChat:DatabasePath '{folder}' is a folder, not a file.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_writable_data_directory_passes_and_its_models_folder_is_created()
    {
        var data = Path.Combine(scratch, "fresh");

        var result = Validate(new WebChatOptions { DataDirectory = data });

        Assert.True(result.Succeeded);
        Assert.True(Directory.Exists(Path.Combine(data, "models")));
        Assert.Empty(Directory.GetFiles(data));
    }

    [Fact]
    public void Empty_paths_default_to_the_database_and_models_inside_the_data_directory()
    {
        using var host = BuildHost(Path.Combine(scratch, "defaults"));

        var options = host.Services.GetRequiredService<IOptions<WebChatOptions>>().Value;

        Assert.Equal(Path.Combine(scratch, "defaults", "webchat.db"), options.DatabasePath);
        Assert.Equal(Path.Combine(scratch, "defaults", "models"), options.ModelsDirectory);
        Assert.True(options.AllowRegistration);
    }

    private static ValidateOptionsResult Validate(WebChatOptions options)
    {
        new WebChatOptionsDefaults().PostConfigure(null, options);
        return new WebChatOptionsValidator().Validate(null, options);
    }

    private static IHost BuildHost(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create("WebChat:DataDirectory", (string?)dataDirectory)]);
        builder.AddWebChatOptions();
        return builder.Build();
    }

    public void Dispose() => Directory.Delete(scratch, recursive: true);
}
