using System.CommandLine;
using WebChat.Configuration;

namespace WebChat.Cli;

/// <summary>`WebChat config-reference [--out FILE]`: every setting with its type, default, environment variable and description.</summary>
internal static class ConfigReferenceCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Write the Markdown to this file instead of standard output." };
        var command = new Command("config-reference", "Print the configuration reference (Markdown), made from the options classes.") { output };
        command.SetAction(async (result, cancellationToken) =>
        {
            var markdown = ConfigurationReference.ToMarkdown(ConfigurationReference.Settings(ConfigurationReference.Assemblies));
            if (result.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, markdown, cancellationToken);
            }
            else
            {
                await Console.Out.WriteAsync(markdown);
            }

            return 0;
        });
        return command;
    }
}
