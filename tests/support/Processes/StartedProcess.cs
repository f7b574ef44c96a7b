using System.Diagnostics;

namespace WebChat.Tests.Support.Processes;

/// <summary>How a test's own server process ends: killed with its children, then its temporary folder removed.</summary>
public static class StartedProcess
{
    public static async Task StopAndDeleteAsync(Process process, string folder)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans its temp folder; a file still held must not fail the run.
        }
    }
}
