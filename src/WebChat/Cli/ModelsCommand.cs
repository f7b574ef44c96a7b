using System.CommandLine;
using System.Globalization;

namespace WebChat.Cli;

/// <summary>`WebChat models`: lists the installed GGUF models with their ids for `WebChat run`.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var directory = new Option<string?>("--models-dir") { Description = "The models folder (default: the app's, from appsettings.json, the environment or --WebChat:ModelsDirectory=...)." };
        var command = new Command("models", "List installed models.") { directory };
        command.TreatUnmatchedTokensAsErrors = false; // --Section:Key=value host switches choose the configuration.
        command.SetAction(result =>
        {
            var installed = InstalledModels.From(result.GetValue(directory), result.UnmatchedTokens);
            var models = installed.List();
            if (models.Count == 0)
            {
                Console.WriteLine($"No models in {installed.Directory}.");
                return 0;
            }

            string[] header = ["MODEL", "SIZE"];
            var rows = models.Select(m => new[] { m.Id, $"{(m.Bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture)} GiB" }).ToList();
            var output = CliConsole.Out();
            if (output.IsLive)
            {
                output.Ansi.Write(CliTables.Build(header, rows, rightAligned: [1]));
            }
            else
            {
                output.Writer.Write(CliTables.Plain(header, rows, rightAligned: [1]));
            }

            Console.WriteLine($"{models.Count} models in {installed.Directory}");
            return 0;
        });
        return command;
    }
}
