using WebChat.Engine.Hub;

namespace WebChat.Engine.Downloads;

/// <summary>Where a file's bytes are fetched now. CDN links are signed and expire during long downloads, so a refused link is resolved again.</summary>
internal sealed class CdnLink(HubClient hub, DownloadKey key, HubFileLocation initial) : IDisposable
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Uri _resolveAddress = hub.ResolveUri(key.Repo, key.Revision, key.FileName);
    private HubFileLocation _current = initial;

    public Uri Address => Volatile.Read(ref _current).DownloadUri;

    /// <summary>True when the address came from a redirect (a CDN), so a 403/404 there means an expired link, not a missing right.</summary>
    public bool IsRedirected(Uri address) => address != _resolveAddress;

    public void Dispose() => _refreshing.Dispose();

    /// <summary>Resolves the file again unless another range already replaced the refused link; the content must be unchanged.</summary>
    public async Task RefreshAsync(Uri refused, CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (Address != refused)
            {
                return;
            }

            var fresh = await hub.ResolveFileAsync(key.Repo, key.Revision, key.FileName, cancellationToken);
            if (fresh.Sha256 != _current.Sha256 || fresh.Size != _current.Size)
            {
                throw new HubBadResponseException($"{key} changed on the Hub during the download; start it again.");
            }

            Volatile.Write(ref _current, fresh);
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
