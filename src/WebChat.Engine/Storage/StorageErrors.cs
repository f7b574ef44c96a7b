using WebChat.Engine.Catalog;

namespace WebChat.Engine.Storage;

/// <summary>Base of the model store's expected failures; Message is written for a person.</summary>
public class StorageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A repository or file name would escape the models folder or is not a valid name.</summary>
public sealed class InvalidStorePathException(string name, string reason)
    : StorageException($"'{name}' cannot be stored: {reason}.")
{
    public string Name { get; } = name;
}

/// <summary>The disk lacks room for the file; nothing was written.</summary>
public sealed class InsufficientDiskSpaceException(long requiredBytes, long availableBytes, string folder)
    : StorageException($"Not enough disk space in {folder}: {ByteSizes.Format(requiredBytes)} needed, {ByteSizes.Format(availableBytes)} free.")
{
    public long RequiredBytes { get; } = requiredBytes;

    public long AvailableBytes { get; } = availableBytes;
}

/// <summary>A file offered for import is not a GGUF model.</summary>
public sealed class NotAGgufFileException(string path, string reason) : StorageException($"{path} is not a GGUF model: {reason}.");
