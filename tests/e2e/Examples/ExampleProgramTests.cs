using System.Diagnostics;
using WebChat.Tests.E2E.Api;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Support.Files;

namespace WebChat.Tests.E2E.Examples;

/// <summary>
/// The programs in examples/ run as a newcomer would run them (their built executables, in processes of their own):
/// offline on a generated tiny model or the fake Hub, and against the app's /v1 for the API clients.
/// </summary>
public sealed class ExampleProgramTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_streaming_chat_example_streams_an_answer_and_stops_it_when_told_to()
    {
        var (exitCode, output) = await RunExampleAsync("StreamingChat", [TestModels.Tiny, "--cancel-after", "3"]);

        Assert.True(exitCode == 0, output);
        var summary = System.Text.RegularExpressions.Regex.Match(output, @"\[Cancelled\] \d+ prompt tokens, (\d+) answer tokens");
        Assert.True(summary.Success, output);
        var answerTokens = int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(answerTokens, 3, 63); // stopped after the third piece, long before its 64-token limit

    }

    [Fact]
    public async Task The_batched_generation_example_answers_every_sequence_at_once()
    {
        var (exitCode, output) = await RunExampleAsync("BatchedGeneration", [TestModels.Tiny, "--sequences", "3"]);

        Assert.True(exitCode == 0, output);
        Assert.Equal(3, output.Split('\n').Count(line => line.StartsWith("sequence ", StringComparison.Ordinal) && line.Contains("32 tokens", StringComparison.Ordinal)));
        Assert.Contains("3 sequences, 96 tokens", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_search_and_pull_example_finds_a_model_on_the_hub_and_installs_it_verified()
    {
        var model = await File.ReadAllBytesAsync(TestModels.Tiny);
        await using var hub = await FakeHubServer.StartAsync([new FakeHubRepo { Id = "example/tiny-GGUF", Tags = ["gguf", "conversational"], Files = [new FakeHubFile("tiny-Q8_0.gguf", model)] }]);
        var models = Directory.CreateTempSubdirectory("webchat-example-pull-").FullName;

        var (exitCode, output) = await RunExampleAsync("SearchAndPull", ["tiny", "--models", models],
            new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.BaseAddress.ToString() });

        Assert.True(exitCode == 0, output);
        Assert.Contains("example/tiny-GGUF", output, StringComparison.Ordinal);
        var installed = Path.Combine(models, "example", "tiny-GGUF", "tiny-Q8_0.gguf");
        Assert.Contains($"Verified and installed: {installed}", output, StringComparison.Ordinal);
        Assert.Equal(model, await File.ReadAllBytesAsync(installed));
    }

    [Fact]
    public async Task The_dotnet_api_client_example_lists_the_models_and_streams_an_answer_from_webchat()
    {
        var user = await app.CreateUserWithKeyAsync("example");

        var (exitCode, output) = await RunExampleAsync("ApiClient", [new Uri(app.BaseAddress, "v1").ToString(), user.Key]);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"model: {ApiAppFixture.ModelId}", output, StringComparison.Ordinal);
        Assert.Contains("Hello, world!", output, StringComparison.Ordinal);
        Assert.Matches(@"\[\d+ prompt tokens, 4 answer tokens\]", output);
    }

    [Fact]
    public async Task The_node_api_client_example_streams_an_answer_from_webchat_with_the_openai_package()
    {
        var user = await app.CreateUserWithKeyAsync("node example");

        var output = await NodeOpenAi.RunFileAsync(Path.Combine(Repository.Root, "examples", "api", "chat.mjs"),
            new Dictionary<string, string> { ["BASE"] = new Uri(app.BaseAddress, "v1").ToString(), ["KEY"] = user.Key });

        Assert.Contains("Hello, world!", output, StringComparison.Ordinal);
        Assert.Matches(@"\[\d+ prompt tokens, 4 answer tokens\]", output);
    }

    private static async Task<(int ExitCode, string Output)> RunExampleAsync(
        string name, string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        // Built by this project's build (see the csproj) with the same configuration as the tests.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var program = Path.Combine(Repository.Root, "examples", name, "bin", configuration, "net10.0", name + ".dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} ran longer than {Timeout}:\n{await output}\n{await error}");
        }

        return (process.ExitCode, await output + await error);
    }
}
