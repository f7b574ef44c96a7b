using System.CommandLine;
using System.Globalization;
using WebChat.Engine.Catalog;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

namespace WebChat.Cli;

/// <summary>`WebChat search [text] [filters]`: finds GGUF models on the Hub and prints a table with the file recommended for this machine.</summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var text = new Argument<string?>("text") { Description = "Words in the repository name.", Arity = ArgumentArity.ZeroOrOne };
        var author = new Option<string?>("--author") { Description = "Owner of the repository, e.g. bartowski." };
        var architecture = new Option<string?>("--arch") { Description = "GGUF architecture, e.g. llama, qwen2, gemma3." };
        var size = new Option<SizeClass?>("--size") { Description = "tiny (<100M), small (<1B), medium (<7B), large (<13.5B) or xlarge." };
        var minParameters = new Option<string?>("--min-params") { Description = "Fewest parameters, e.g. 1B or 500M." };
        var maxParameters = new Option<string?>("--max-params") { Description = "Most parameters, e.g. 8B." };
        var quant = new Option<string?>("--quant") { Description = "Only files of this quantization, e.g. Q4_K_M." };
        var maxFileSize = new Option<string?>("--max-file-size") { Description = "Largest download, e.g. 5GB or 800MB." };
        var minContext = new Option<long?>("--min-context") { Description = "Shortest context length in tokens." };
        var license = new Option<string?>("--license") { Description = "Licence id, e.g. apache-2.0, mit." };
        var task = new Option<ModelTask?>("--task") { Description = "chat, instruct, code, vision or embedding." };
        var updatedSince = new Option<string?>("--updated-since") { Description = "A date (2025-01-31) or an age (30d)." };
        var minDownloads = new Option<long?>("--min-downloads") { Description = "Fewest downloads." };
        var fits = new Option<bool>("--fits") { Description = "Only models with a file that fits this machine's memory." };
        var hideGated = new Option<bool>("--hide-gated") { Description = "Leave out models that need a licence acceptance." };
        var sort = new Option<ModelSort>("--sort") { Description = "downloads, likes, trending, updated or quality.", DefaultValueFactory = _ => ModelSort.Downloads };
        var limit = new Option<int>("--limit") { Description = "How many models to show.", DefaultValueFactory = _ => 10 };
        var noHeaders = new Option<bool>("--no-headers") { Description = "Do not read GGUF headers (faster; estimates from file sizes only)." };
        var command = new Command("search", "Search the Hugging Face Hub for GGUF models.")
        {
            text, author, architecture, size, minParameters, maxParameters, quant, maxFileSize, minContext, license, task, updatedSince,
            minDownloads, fits, hideGated, sort, limit, noHeaders,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            ModelQuery query;
            try
            {
                query = new ModelQuery
                {
                    Text = result.GetValue(text) is { } t && !t.StartsWith("--", StringComparison.Ordinal) ? t : null,
                    Author = result.GetValue(author),
                    Architecture = result.GetValue(architecture),
                    SizeClass = result.GetValue(size),
                    MinParameters = Parameters(result.GetValue(minParameters)),
                    MaxParameters = Parameters(result.GetValue(maxParameters)),
                    Quantization = result.GetValue(quant),
                    MaxFileSizeBytes = Bytes(result.GetValue(maxFileSize)),
                    MinContextLength = result.GetValue(minContext),
                    License = result.GetValue(license),
                    Task = result.GetValue(task),
                    UpdatedSince = Since(result.GetValue(updatedSince)),
                    MinDownloads = result.GetValue(minDownloads),
                    FitsThisMachine = result.GetValue(fits),
                    HideGated = result.GetValue(hideGated),
                    Sort = result.GetValue(sort),
                    Limit = Math.Clamp(result.GetValue(limit), 1, 100),
                    ReadHeaders = !result.GetValue(noHeaders),
                };
            }
            catch (FormatException error)
            {
                await Console.Error.WriteLineAsync(error.Message);
                return 2;
            }

            var switches = result.UnmatchedTokens.Concat(result.GetValue(text) is { } s && s.StartsWith("--", StringComparison.Ordinal) ? [s] : []).ToList();
            return await RunAsync(query, switches, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(ModelQuery query, IReadOnlyList<string> switches, CancellationToken cancellationToken)
    {
        using var host = HubCommandHost.Build(switches);
        try
        {
            var results = await host.Services.GetRequiredService<ModelSearch>().SearchAsync(query, cancellationToken);
            var output = CliConsole.Out();
            if (output.IsLive && results.Count > 0)
            {
                output.Ansi.Write(CliTables.Build(Header, Rows(results)));
            }
            else
            {
                await output.Writer.WriteAsync(Table(results));
            }

            return 0;
        }
        catch (HubException error)
        {
            await Console.Error.WriteLineAsync(error.Message);
            return 1;
        }
    }

    private static readonly string[] Header = ["MODEL", "ARCH", "PARAMS", "CTX", "DOWNLOADS", "LIKES", "SCORE", "QUANTS", "RECOMMENDED", "SIZE", "MEMORY", "FIT"];

    /// <summary>The plain table: columns padded with spaces, one line per model, for pipes, files and scripts.</summary>
    internal static string Table(IReadOnlyList<ModelSearchResult> results) =>
        results.Count == 0 ? "No models match.\n" : CliTables.Plain(Header, Rows(results));

    private static List<string[]> Rows(IReadOnlyList<ModelSearchResult> results) => results.Select(r => new[]
    {
        r.Id + (r.Model.IsGated ? " (gated)" : ""),
        r.Architecture ?? "?",
        r.ParameterCount is { } p ? SizeLabels.FromParameters(p) : "?",
        r.ContextLength?.ToString(CultureInfo.InvariantCulture) ?? "?",
        (r.Model.Downloads ?? 0).ToString("N0", CultureInfo.InvariantCulture),
        (r.Model.Likes ?? 0).ToString(CultureInfo.InvariantCulture),
        r.QualityScore.ToString("0.0", CultureInfo.InvariantCulture),
        string.Join(",", r.Files.Select(f => f.Quantization).Distinct()),
        r.Recommended?.FileName ?? "(none fits)",
        r.Recommended is { } f ? ByteSizes.Format(f.SizeBytes) : "",
        r.Recommended is { } m ? ByteSizes.Format(m.Estimate.TotalBytes) + (m.ExactEstimate ? "" : "~") : "",
        r.Recommended?.Fit.Kind.ToString() ?? "WontFit",
    }).ToList();

    private static long? Parameters(string? value) => value is null ? null
        : SizeLabels.ToParameters(value.ToUpperInvariant()) ?? throw new FormatException($"'{value}' is not a parameter count (try 500M, 1B, 8B).");

    internal static long? Bytes(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Trim().ToUpperInvariant().Replace("IB", "B", StringComparison.Ordinal);
        var (number, multiplier) = text switch
        {
            _ when text.EndsWith("TB", StringComparison.Ordinal) => (text[..^2], 1L << 40),
            _ when text.EndsWith("GB", StringComparison.Ordinal) => (text[..^2], 1L << 30),
            _ when text.EndsWith("MB", StringComparison.Ordinal) => (text[..^2], 1L << 20),
            _ when text.EndsWith("KB", StringComparison.Ordinal) => (text[..^2], 1L << 10),
            _ => (text.TrimEnd('B'), 1L),
        };
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? (long)(n * multiplier)
            : throw new FormatException($"'{value}' is not a size (try 800MB or 5GB).");
    }

    private static DateTimeOffset? Since(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.EndsWith('d') && int.TryParse(value[..^1], CultureInfo.InvariantCulture, out var days))
        {
            return DateTimeOffset.UtcNow.AddDays(-days);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : throw new FormatException($"'{value}' is not a date (2025-01-31) or an age (30d).");
    }
}
