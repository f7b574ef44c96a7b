using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.App.Cli;

/// <summary>`models` as a table on a terminal and as plain lines in a pipe; `run`'s load progress beside a clean answer.</summary>
public sealed class CliTablesAndLoadTests : IDisposable
{
    private readonly string _models = Path.Combine(Path.GetTempPath(), "webchat-cli-tables", Guid.NewGuid().ToString("N"));

    public CliTablesAndLoadTests()
    {
        Directory.CreateDirectory(_models);
        File.Copy(TestModels.Tiny, Path.Combine(_models, "tiny.gguf"));
    }

    public void Dispose() => Directory.Delete(_models, recursive: true);

    [Fact]
    public async Task Models_in_a_pipe_prints_plain_aligned_lines()
    {
        var (exitCode, output, _) = await CliProcess.RunAsync(["models", "--models-dir", _models], terminal: false);

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n');
        Assert.Matches(@"^MODEL\s+SIZE$", lines[0]);
        Assert.Matches(@"^tiny\.gguf\s+0\.00 GiB$", lines[1]);
        Assert.DoesNotContain(output, c => char.IsControl(c) && c != '\n');
    }

    [Fact]
    public async Task Models_on_a_terminal_draws_a_table_and_NO_COLOR_keeps_it_free_of_colours()
    {
        var (exitCode, output, _) = await CliProcess.RunAsync(["models", "--models-dir", _models], terminal: true, noColor: true);

        Assert.Equal(0, exitCode);
        Assert.Contains("╭", output, StringComparison.Ordinal);
        Assert.Matches(@"│ tiny\.gguf\s+│\s+0\.00 GiB │", output);
        Assert.DoesNotContain("\u001b[38;", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_in_a_pipe_reports_loading_on_standard_error_and_keeps_the_answer_on_standard_output_clean()
    {
        var (exitCode, output, error) = await CliProcess.RunAsync(["run", Path.Combine(_models, "tiny.gguf"), "Hello", "--max-tokens", "4", "--seed", "1"], terminal: false);

        Assert.True(exitCode == 0, error);
        Assert.Contains("Loading tiny.gguf\n", error, StringComparison.Ordinal);
        Assert.Matches(@"Loaded tiny\.gguf in \d+\.\d s", error);
        Assert.DoesNotContain("Load", output, StringComparison.Ordinal);
        Assert.DoesNotContain(error, c => char.IsControl(c) && c != '\n');
    }

    [Fact]
    public async Task Run_on_a_terminal_shows_a_load_bar()
    {
        var (exitCode, output, _) = await CliProcess.RunAsync(["run", Path.Combine(_models, "tiny.gguf"), "Hello", "--max-tokens", "4", "--seed", "1"], terminal: true);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Loading tiny.gguf", output, StringComparison.Ordinal);
        Assert.Contains("━", output, StringComparison.Ordinal);
        Assert.Contains("\u001b[", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_replaces_itself_once_with_tiered_compilation_off_and_still_answers()
    {
        var (exitCode, output, error) = await CliProcess.RunAsync(["run", Path.Combine(_models, "tiny.gguf"), "Hello", "--max-tokens", "4", "--seed", "1", "--verbose"], terminal: false);

        Assert.True(exitCode == 0, error);
        Assert.Contains("Tiered compilation: off", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n'), line => line.StartsWith("Loading tiny.gguf", StringComparison.Ordinal));
        Assert.Contains("[length] prompt", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_keeps_tiered_compilation_when_the_environment_chooses_it()
    {
        var (exitCode, _, error) = await CliProcess.RunAsync(["run", Path.Combine(_models, "tiny.gguf"), "Hello", "--max-tokens", "4", "--seed", "1", "--verbose"], terminal: false,
            environment: new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "1" });

        Assert.True(exitCode == 0, error);
        Assert.Contains("Tiered compilation: on", error, StringComparison.Ordinal);
    }
}
