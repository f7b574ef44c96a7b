using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using WebChat.Engine.Inference;

namespace WebChat.Cli;

/// <summary>
/// Loads a model for `run` while showing how far it is, on standard error so the answer on standard output stays clean
/// for pipes: a bar on a terminal, a line before and after elsewhere.
/// </summary>
internal static class ModelLoadProgress
{
    public static async Task LoadAsync(IInferenceEngine engine, ModelLoadOptions load, CancellationToken cancellationToken)
    {
        var console = CliConsole.Error();
        var name = Path.GetFileName(load.ModelPath);
        var clock = Stopwatch.StartNew();
        if (!console.IsLive)
        {
            await console.Writer.WriteLineAsync($"Loading {name}");
            await engine.LoadAsync(load, cancellationToken);
            await console.Writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Loaded {name} in {clock.Elapsed.TotalSeconds:0.0} s"));
            return;
        }

        await console.Ansi.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask($"Loading {Markup.Escape(name)}", autoStart: true, maxValue: 1);
                using var watch = engine.Subscribe(status => bar.Value = Math.Clamp(status.LoadProgress, 0, 1));
                await engine.LoadAsync(load, cancellationToken);
                bar.Value = 1;
            });
        console.Ansi.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[grey]Loaded {Markup.Escape(name)} in {clock.Elapsed.TotalSeconds:0.0} s[/]"));
    }
}
