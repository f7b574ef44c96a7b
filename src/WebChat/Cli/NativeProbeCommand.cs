using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using LLama.Native;
using WebChat.Engine.Inference.Native;

namespace WebChat.Cli;

/// <summary>
/// `WebChat native-probe [folder]` (hidden): loads llama.cpp from the folder, or the bundled one, and prints what
/// loaded as one JSON line. The server runs it as a child process, so a library of another build that crashes
/// when LLamaSharp reads its structs crashes only the probe.
/// </summary>
internal static class NativeProbeCommand
{
    public static Command Create()
    {
        var folder = new Argument<string?>("folder") { Description = "A folder with libllama, the ggml libraries and libmtmd (default: the bundled library).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("native-probe", "Load a llama.cpp library and describe it (used by the server's guard).") { folder };
        command.Hidden = true;
        command.SetAction(result =>
        {
            NativeLibraryConfig.All.WithLogCallback((_, _) => { });
            if (result.GetValue(folder) is { } path)
            {
                var files = NativeLibraryFiles.Locate(path);
                if (files is null)
                {
                    Console.Error.WriteLine($"{path} holds no libllama.");
                    return 2;
                }

                NativeProbe.Configure(files);
            }

            Console.WriteLine(NativeProbeProcess.ReportMarker + JsonSerializer.Serialize(NativeProbe.Describe()));
            Console.Out.Flush();
            ExitWithoutTeardown();
            return 0;
        });
        return command;
    }

    // The report is written: nothing the process does afterwards can change it. Its teardown (the loaded library's
    // destructors and threads, a coverage collector's exit hook under test) failed once in a full CI run and turned a
    // good report into a refusal, so on Unix the probe leaves at once.
    private static void ExitWithoutTeardown()
    {
        if (!OperatingSystem.IsWindows())
        {
            _exit(0);
        }
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void _exit(int status);
}
