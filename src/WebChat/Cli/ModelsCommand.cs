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

            var width = models.Max(m => m.Id.Length);
            foreach (var (id, _, bytes) in models)
            {
                Console.WriteLine($"{id.PadRight(width)}  {(bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture),7} GiB");
            }

            Console.WriteLine($"{models.Count} models in {installed.Directory}");
            return 0;
        });
        return command;
    }
}
