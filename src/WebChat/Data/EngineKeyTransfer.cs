using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using WebChat.Extensions;
using WebChat.Services.Serving.Engines;

namespace WebChat.Data;

/// <summary>
/// The remote engines' API keys of a copied database, encrypted again for the key ring PostgreSQL nodes share. A SQLite
/// node keeps its key ring in files and names it after its folder; the nodes read one ring from the database under one
/// name, so without this every copied engine key would be unreadable there and would have to be typed in again.
/// </summary>
internal static class EngineKeyTransfer
{
    /// <summary>
    /// Decrypts each engine key of <paramref name="target"/> with <paramref name="source"/> (the SQLite node's key ring),
    /// encrypts it with a new shared key ring whose key is stored in <paramref name="target"/>, and saves. Returns the
    /// engines whose key could not be decrypted (another user's or machine's key ring): their key is cleared, to be
    /// entered again, rather than left as bytes no node can read.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReencryptAsync(IDataProtectionProvider source, WebChatDbContext target, CancellationToken cancellationToken)
    {
        var ring = new KeysForTheTarget();
        using var shared = SharedProtection(ring);
        var from = source.CreateProtector(RemoteEngines.ApiKeyPurpose);
        var to = shared.GetRequiredService<IDataProtectionProvider>().CreateProtector(RemoteEngines.ApiKeyPurpose);
        var unreadable = new List<string>();
        foreach (var engine in await target.RemoteEngines.Where(e => e.ProtectedApiKey != null).OrderBy(e => e.Name).ToListAsync(cancellationToken))
        {
            try
            {
                engine.ProtectedApiKey = to.Protect(from.Unprotect(engine.ProtectedApiKey!));
            }
            catch (CryptographicException)
            {
                unreadable.Add(engine.Name);
                engine.ProtectedApiKey = null;
            }
        }

        target.DataProtectionKeys.AddRange(ring.Created.Select(key => new DataProtectionKey { FriendlyName = key.Name, Xml = key.Xml.ToString(SaveOptions.DisableFormatting) }));
        await target.SaveChangesAsync(cancellationToken);
        return unreadable;
    }

    // The nodes' settings (DataExtensions), with the ring kept in memory until it is written in the copy's transaction.
    private static ServiceProvider SharedProtection(KeysForTheTarget ring)
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName(DataExtensions.SharedKeyRingName);
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = ring);
        return services.BuildServiceProvider();
    }

    private sealed class KeysForTheTarget : IXmlRepository
    {
        public List<(string Name, XElement Xml)> Created { get; } = [];

        public IReadOnlyCollection<XElement> GetAllElements() => [.. Created.Select(key => key.Xml)];

        public void StoreElement(XElement element, string friendlyName) => Created.Add((friendlyName, element));
    }
}
