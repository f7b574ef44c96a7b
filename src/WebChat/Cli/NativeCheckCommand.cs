using System.CommandLine;
using WebChat.Configuration;
using WebChat.Engine.Inference.Native;

namespace WebChat.Cli;

/// <summary>
/// `WebChat native-check folder`: runs the server's guard on a llama.cpp folder (scripts/build-native.sh calls it
/// after a build): exit code 0 when Inference:NativeLibrary may name it, 3 with the reason when the server would refuse it.
/// </summary>
internal static class NativeCheckCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "A folder with libllama, the ggml libraries and libmtmd." };
        var command = new Command("native-check", "Check that a llama.cpp build is the one LLamaSharp binds, as the server does before loading it.") { folder };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(folder)!;
            var files = NativeLibraryFiles.Locate(path);
            if (files is null)
            {
                await Console.Error.WriteLineAsync($"{path} holds no libllama.");
                return 2;
            }

            var probe = NativeProbeProcess.ForAssembly(typeof(WebChatOptions).Assembly.Location);
            var (report, failure) = await probe.RunAsync(files, cancellationToken);
            if (report is not null)
            {
                Console.WriteLine($"{report.LlamaPath}: ggml {report.GgmlVersion} commit {report.GgmlCommit}, {report.Ggml.Ops.Count} ops, {report.Ggml.Types.Count} types");
                Console.WriteLine(report.SystemInfo);
            }

            var refusal = failure ?? await new NativeLibraryGuard(probe).CheckAsync(files, cancellationToken);
            if (refusal is not null)
            {
                await Console.Error.WriteLineAsync($"Refused: {refusal}");
                return 3;
            }

            Console.WriteLine($"Accepted: set Inference:NativeLibrary to {files.Folder}");
            return 0;
        });
        return command;
    }
}
