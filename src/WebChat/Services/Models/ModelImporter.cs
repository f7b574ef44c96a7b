using System.Security.Claims;
using WebChat.Data.Entities;
using WebChat.Engine.Catalog;
using WebChat.Engine.Gguf;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

namespace WebChat.Services.Models;

/// <summary>Brings a GGUF file that is already on the server into the models folder (copy or hard link) and records it as an import.</summary>
public sealed class ModelImporter(ModelStore store, InstalledModelRecorder recorder)
{
    /// <summary>Where imports live in the store: models/local/imported/&lt;file&gt;.</summary>
    public static readonly RepoId ImportFolder = RepoId.Parse("local/imported");

    /// <summary>Checks the file is a readable GGUF model, then imports and records it. Admins only.</summary>
    public async Task<InstalledModel> ImportAsync(ClaimsPrincipal user, string serverPath, ImportMode mode, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        var path = CheckPath(serverPath);
        var descriptor = await ReadDescriptorAsync(path, cancellationToken);
        try
        {
            var file = await store.ImportAsync(path, ImportFolder, mode: mode, cancellationToken: cancellationToken);
            return await recorder.RecordImportAsync(file, descriptor, cancellationToken);
        }
        catch (StorageException error)
        {
            throw new ModelImportException(error.Message, error);
        }
        catch (IOException error)
        {
            throw new ModelImportException(mode == ImportMode.HardLink
                ? $"Could not hard link {path}: {error.Message} A hard link needs the file on the same drive as the models folder; try Copy."
                : $"Could not copy {path}: {error.Message}", error);
        }
    }

    private static string CheckPath(string serverPath)
    {
        if (string.IsNullOrWhiteSpace(serverPath))
        {
            throw new ModelImportException("Enter the full path of a .gguf file on the server.");
        }

        var path = Path.GetFullPath(serverPath.Trim().Trim('"'));
        if (Directory.Exists(path))
        {
            throw new ModelImportException($"{path} is a folder; enter the path of a .gguf file in it.");
        }

        return File.Exists(path) ? path : throw new ModelImportException($"There is no file at {path} on the server.");
    }

    private static async Task<ModelDescriptor> ReadDescriptorAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await ModelDescriptors.FromFileAsync(path, cancellationToken);
        }
        catch (GgufFormatException error)
        {
            throw new ModelImportException($"{Path.GetFileName(path)} is not a GGUF model: {error.Message}", error);
        }
        catch (EndOfStreamException error)
        {
            throw new ModelImportException($"{Path.GetFileName(path)} is not a GGUF model: it ends inside its header.", error);
        }
        catch (UnauthorizedAccessException error)
        {
            throw new ModelImportException($"The server may not read {path}: {error.Message}", error);
        }
        catch (IOException error)
        {
            throw new ModelImportException($"Could not read {path}: {error.Message}", error);
        }
    }
}
