using WebChat.Configuration;
using WebChat.Tests.Support.Files;

namespace WebChat.Tests.Unit.App.Configuration;

public sealed class ConfigurationReferenceTests
{
    private static readonly IReadOnlyList<ConfigurationSetting> Settings = ConfigurationReference.Settings(ConfigurationReference.Assemblies);

    [Fact]
    public void Every_setting_of_every_options_class_has_a_description()
    {
        var undocumented = Settings.Where(setting => setting.Description.Length == 0).Select(setting => setting.Key).ToList();

        Assert.True(undocumented.Count == 0,
            "Give these settings an XML <summary> in their options class: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void The_reference_finds_the_sections_the_app_binds_with_their_defaults_and_environment_variables()
    {
        var threads = Assert.Single(Settings, setting => setting.Key == "Inference:KeepAlive");
        Assert.Equal("00:30:00", threads.Default);
        Assert.Equal("Inference__KeepAlive", threads.EnvironmentVariable);

        var registration = Assert.Single(Settings, setting => setting.Key == "WebChat:AllowRegistration");
        Assert.Equal("true/false", registration.Type);
        Assert.Equal("true", registration.Default);

        Assert.Contains(Settings, setting => setting.Key.StartsWith("WebChat:Downloads:", StringComparison.Ordinal));
        Assert.Contains(Settings, setting => setting.Key.StartsWith("WebChat:Security:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_docs_copy_of_the_reference_is_the_one_the_code_makes()
    {
        var committed = File.ReadAllText(Path.Combine(Repository.Root, "docs", "reference", "configuration.md"));

        var generated = ConfigurationReference.ToMarkdown(Settings);

        Assert.True(generated == committed.ReplaceLineEndings("\n").Replace("\n", Environment.NewLine, StringComparison.Ordinal),
            "docs/reference/configuration.md is out of date: run `dotnet run --project src/WebChat -- config-reference --out docs/reference/configuration.md`.");
    }

    [Fact]
    public void Markup_in_a_description_cannot_break_the_table()
    {
        var markdown = ConfigurationReference.ToMarkdown([new ConfigurationSetting("A:B", "text", "", "A__B", "pipes | and <tags> stay text")]);

        Assert.Contains("| pipes \\| and &lt;tags&gt; stay text |", markdown, StringComparison.Ordinal);
    }
}
