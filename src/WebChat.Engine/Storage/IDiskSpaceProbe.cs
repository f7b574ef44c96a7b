namespace WebChat.Engine.Storage;

/// <summary>Answers how many bytes the disk holding a folder can still take (replaceable so tests can fake a full disk).</summary>
public interface IDiskSpaceProbe
{
    long AvailableBytes(string folder);
}

/// <summary>The real probe: the free space DriveInfo reports for the folder's drive.</summary>
public sealed class DriveDiskSpaceProbe : IDiskSpaceProbe
{
    public long AvailableBytes(string folder)
    {
        Directory.CreateDirectory(folder);
        return new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
    }
}
