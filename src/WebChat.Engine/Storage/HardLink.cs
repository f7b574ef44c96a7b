using System.Runtime.InteropServices;

namespace WebChat.Engine.Storage;

/// <summary>Creates hard links (no .NET API exists for them): link(2) on Unix, CreateHardLinkW on Windows.</summary>
internal static partial class HardLink
{
    public static void Create(string existingFile, string newLink)
    {
        var ok = OperatingSystem.IsWindows()
            ? CreateHardLinkW(newLink, existingFile, IntPtr.Zero)
            : link(existingFile, newLink) == 0;
        if (!ok)
        {
            throw new IOException($"Cannot hard-link {existingFile} to {newLink} (error {Marshal.GetLastPInvokeError()}); both must be on the same file system.");
        }
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable CA2101, SYSLIB1054 // UTF-8 marshalling is explicit; LibraryImport would need unsafe blocks in the engine.
    private static extern int link([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateHardLinkW(string newLink, string existingFile, IntPtr securityAttributes);
#pragma warning restore CA2101, SYSLIB1054
}
