using System.CommandLine;
using System.Text.Json;
using WebChat.Cli;
using WebChat.Engine.Catalog;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.App.Cli;

/// <summary>Runs the real `inspect` command in-process on generated GGUF files.</summary>
public sealed class InspectCommandTests : IDisposable
{
    private static readonly MachineMemory EightGigabytes = new(16 * ByteSizes.GiB, 8 * ByteSizes.GiB, []);
    private readonly string _directory = Directory.CreateTempSubdirectory("webchat-inspect-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_model_without_a_chat_template_is_described_with_its_metadata_estimate_and_verdict()
    {
        var (exit, output, error) = await InspectAsync(EightGigabytes, "inspect", TestModels.TinyWithoutTemplate);

        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Contains("Chat template   no", output);
        Assert.Contains("Name            webchat-tiny-no-template", output);
        Assert.Contains("tokenizer.ggml.tokens = [String x 2048] \"<unk>\", \"<s>\", \"</s>\", \"<0x00>\"", output);
        Assert.Contains("(2040 more)", output);
        Assert.DoesNotContain("tokenizer.chat_template", output);
        Assert.Contains("Memory estimate (context 512 x 1 sequence(s), KV cache F16)", output);
        Assert.Contains("Fit: InRam. Runs on the CPU", output);
    }

    [Fact]
    public async Task Json_output_for_a_32000_token_model_summarises_the_vocabulary_and_uses_the_given_context()
    {
        var (exit, output, _) = await InspectAsync(EightGigabytes, "inspect", TestModels.TinyWith32000Vocabulary, "--json", "--context", "256", "--parallel", "2");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(32000, root.GetProperty("descriptor").GetProperty("vocabularySize").GetInt32());
        Assert.Equal("F32", root.GetProperty("descriptor").GetProperty("quantization").GetString());
        var tokens = root.GetProperty("metadata").GetProperty("tokenizer.ggml.tokens");
        Assert.Equal(32000, tokens.GetProperty("length").GetInt32());
        Assert.Equal(8, tokens.GetProperty("first").GetArrayLength());
        Assert.Equal("llama", root.GetProperty("metadata").GetProperty("general.architecture").GetString());
        Assert.Equal((256, 2), (root.GetProperty("estimate").GetProperty("contextPerSequence").GetInt32(), root.GetProperty("estimate").GetProperty("parallelSequences").GetInt32()));
        Assert.Equal("InRam", root.GetProperty("verdict").GetProperty("kind").GetString());
        Assert.True(root.GetProperty("verdict").GetProperty("requiredBytes").GetInt64() > root.GetProperty("descriptor").GetProperty("weightBytes").GetInt64());
    }

    [Fact]
    public async Task A_truncated_file_is_a_clear_error_with_exit_code_2()
    {
        var bytes = await File.ReadAllBytesAsync(TestModels.Tiny);
        var path = Path.Combine(_directory, "cut.gguf");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var (exit, output, error) = await InspectAsync(EightGigabytes, "inspect", path);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("Not a valid GGUF file", error);
        Assert.Contains("truncated", error);
    }

    [Fact]
    public async Task A_file_that_is_not_a_GGUF_is_a_clear_error_with_exit_code_2()
    {
        var path = Path.Combine(_directory, "notes.gguf");
        await File.WriteAllTextAsync(path, "just some text");

        var (exit, _, error) = await InspectAsync(EightGigabytes, "inspect", path);

        Assert.Equal(2, exit);
        Assert.Contains("starts with 'just' instead of 'GGUF'", error);
    }

    [Fact]
    public async Task A_missing_file_is_an_error_with_exit_code_2()
    {
        var (exit, _, error) = await InspectAsync(EightGigabytes, "inspect", Path.Combine(_directory, "absent.gguf"));

        Assert.Equal(2, exit);
        Assert.Contains("cannot read the file", error);
    }

    [Fact]
    public async Task A_machine_with_too_little_memory_gets_a_will_not_fit_verdict()
    {
        var (exit, output, _) = await InspectAsync(new MachineMemory(ByteSizes.GiB, ByteSizes.MiB, []), "inspect", TestModels.Tiny);

        Assert.Equal(0, exit);
        Assert.Contains("Fit: WontFit. Will not fit", output);
    }

    [Fact]
    public async Task A_parallel_count_below_one_is_refused()
    {
        var (exit, _, error) = await InspectAsync(EightGigabytes, "inspect", TestModels.Tiny, "--parallel", "0");

        Assert.NotEqual(0, exit);
        Assert.Contains("--parallel must be at least 1", error);
    }

    private static async Task<(int Exit, string Output, string Error)> InspectAsync(MachineMemory machine, params string[] args)
    {
        var root = new RootCommand { InspectCommand.Create(new FixedMemory(machine)) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private sealed class FixedMemory(MachineMemory memory) : IMachineMemoryReader
    {
        public MachineMemory Read() => memory;
    }
}
