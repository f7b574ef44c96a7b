using System.CommandLine;
using WebChat.Engine.Catalog;
using WebChat.Engine.Gguf;
using WebChat.Engine.Inference;

namespace WebChat.Cli;

/// <summary>`WebChat inspect model.gguf`: what the file is, what it needs in memory, and whether this machine can run it.</summary>
internal static class InspectCommand
{
    public const int InvalidFileExitCode = 2;

    public static Command Create(IMachineMemoryReader? memoryReader = null)
    {
        var file = new Argument<FileInfo>("file") { Description = "The GGUF model file." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var context = new Option<int?>("--context") { Description = "Context tokens per sequence for the estimate (default: the model's, at most 4096)." };
        var parallel = new Option<int>("--parallel") { Description = "Parallel sequences for the estimate.", DefaultValueFactory = _ => 1 };
        context.Validators.Add(result => RequirePositive(result.GetValueOrDefault<int?>(), "--context", result.AddError));
        parallel.Validators.Add(result => RequirePositive(result.GetValueOrDefault<int>(), "--parallel", result.AddError));

        var command = new Command("inspect", "Describe a GGUF model: metadata, shape, quantization, memory estimate and whether it fits this machine.")
        {
            file, json, context, parallel,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var path = result.GetRequiredValue(file).FullName;
            try
            {
                var header = await GgufReader.ReadFileAsync(path, cancellationToken: cancellationToken);
                var descriptor = ModelDescriptors.FromHeader(header, new FileInfo(path).Length);
                var contextTokens = result.GetValue(context) ?? Math.Clamp(descriptor.ContextLength, 1, 4096);
                var estimate = MemoryEstimator.Estimate(descriptor, contextTokens, result.GetValue(parallel), KvCacheType.F16);
                var verdict = MemoryEstimator.Fit(estimate, (memoryReader ?? new SystemMemoryReader()).Read());
                var report = new InspectReport(path, header, descriptor, estimate, verdict);
                await output.WriteAsync(result.GetValue(json) ? report.ToJson() : report.ToText());
                return 0;
            }
            catch (GgufFormatException exception)
            {
                await error.WriteLineAsync($"{path}: {exception.Message}");
                return InvalidFileExitCode;
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"{path}: cannot read the file: {exception.Message}");
                return InvalidFileExitCode;
            }
        });
        return command;
    }

    private static void RequirePositive(int? value, string name, Action<string> addError)
    {
        if (value is < 1)
        {
            addError($"{name} must be at least 1.");
        }
    }
}
