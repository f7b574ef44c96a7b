using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebChat.Engine.Hub;

/// <summary>Plain-HTTP client of the Hugging Face Hub: search, model info, file tree, file resolution and byte ranges.</summary>
/// <remarks>Redirects are followed here, not by the handler, so the token goes only to the Hub's own host.</remarks>
public sealed partial class HubClient(
    IHttpClientFactory httpClientFactory,
    HubEnvironment environment,
    IOptions<HubOptions> options,
    TimeProvider timeProvider,
    ILogger<HubClient> logger)
{
    public const string HttpClientName = "WebChat.Hub";
    private const int MaxRedirects = 5;

    public Uri Endpoint => environment.Endpoint;

    public bool HasToken => environment.HasToken;

    public async Task<HubModelInfo> GetModelInfoAsync(RepoId repo, string? revision = null, CancellationToken cancellationToken = default)
    {
        var path = revision is null ? $"api/models/{repo}?blobs=true" : $"api/models/{repo}/revision/{Uri.EscapeDataString(revision)}?blobs=true";
        return await GetJsonAsync<HubModelInfo>(new Uri(Endpoint, path), repo.ToString(), cancellationToken);
    }

    public async Task<IReadOnlyList<HubTreeEntry>> GetFileTreeAsync(RepoId repo, string revision = "main", CancellationToken cancellationToken = default)
    {
        var uri = new Uri(Endpoint, $"api/models/{repo}/tree/{Uri.EscapeDataString(revision)}?recursive=true");
        return await GetJsonAsync<List<HubTreeEntry>>(uri, repo.ToString(), cancellationToken);
    }

    /// <summary>Streams search results across pages (following the Link rel="next" header) until maxResults or the last page.</summary>
    public async IAsyncEnumerable<HubModelInfo> SearchAsync(
        HubSearchRequest request, int maxResults, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Uri? page = new(Endpoint, request.ToRelativeUri());
        var returned = 0;
        while (page is not null && returned < maxResults)
        {
            var (models, next) = await WithApiTimeoutAsync("the model search", async token =>
            {
                using var response = await SendAsync(HttpMethod.Get, page, null, "the model search", token);
                return (await ReadJsonAsync<List<HubModelInfo>>(response, "the model search", token), NextPage(response));
            }, cancellationToken);
            foreach (var model in models.Take(maxResults - returned))
            {
                returned++;
                yield return model;
            }

            page = models.Count == 0 ? null : next;
        }
    }

    /// <summary>Asks the resolve endpoint where a file's bytes are, its size and its sha256, without downloading it.</summary>
    public async Task<HubFileLocation> ResolveFileAsync(RepoId repo, string revision, string path, CancellationToken cancellationToken = default)
    {
        var what = $"{repo}/{path}";
        return await WithApiTimeoutAsync(what, token => ResolveWithinTimeoutAsync(ResolveUri(repo, revision, path), what, token), cancellationToken);
    }

    private async Task<HubFileLocation> ResolveWithinTimeoutAsync(Uri address, string what, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var response = await SendOnceAsync(HttpMethod.Head, address, null, what, cancellationToken);
            var linkedEtag = Header(response, "X-Linked-Etag");
            if (IsRedirect(response.StatusCode) && linkedEtag is null)
            {
                address = RedirectTarget(address, response, what);
                continue;
            }

            if (IsRedirect(response.StatusCode))
            {
                var size = long.TryParse(Header(response, "X-Linked-Size"), out var linkedSize) ? linkedSize
                    : throw new HubBadResponseException($"The Hub gave no size for {what}.");
                return new HubFileLocation(RedirectTarget(address, response, what), size, NormalizeEtag(linkedEtag), Header(response, "X-Repo-Commit"));
            }

            var length = response.Content.Headers.ContentLength ?? throw new HubBadResponseException($"The Hub gave no size for {what}.");
            var etag = NormalizeEtag(response.Headers.ETag?.Tag);
            return new HubFileLocation(address, length, etag is { Length: 64 } ? etag : null, Header(response, "X-Repo-Commit"));
        }

        throw new HubBadResponseException($"Too many redirects while resolving {what}.");
    }

    /// <summary>GETs bytes [from, toInclusive] of a file (toInclusive null = to the end); the caller owns the response.</summary>
    public async Task<HttpResponseMessage> GetRangeAsync(Uri address, long from, long? toInclusive, string what, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, address, r => r.Headers.Range = new RangeHeaderValue(from, toInclusive), what, cancellationToken);
        if (response.StatusCode != HttpStatusCode.PartialContent && !(response.StatusCode == HttpStatusCode.OK && from == 0))
        {
            response.Dispose();
            throw new HubBadResponseException($"The server did not honour the byte range for {what} (HTTP {(int)response.StatusCode}).");
        }

        var range = response.Content.Headers.ContentRange;
        if (response.StatusCode == HttpStatusCode.PartialContent && range?.From != from)
        {
            response.Dispose();
            throw new HubBadResponseException($"The server sent bytes from {range?.From} when {from} was asked for {what}.");
        }

        return response;
    }

    public Uri ResolveUri(RepoId repo, string revision, string path)
    {
        var escapedPath = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        return new Uri(Endpoint, $"{repo}/resolve/{Uri.EscapeDataString(revision)}/{escapedPath}");
    }

    private Task<T> GetJsonAsync<T>(Uri uri, string what, CancellationToken cancellationToken) =>
        WithApiTimeoutAsync(what, async token =>
        {
            using var response = await SendAsync(HttpMethod.Get, uri, null, what, token);
            return await ReadJsonAsync<T>(response, what, token);
        }, cancellationToken);

    /// <summary>Runs an API call under the API timeout; a timeout (not the caller's cancellation) becomes HubOfflineException.</summary>
    private async Task<T> WithApiTimeoutAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ApiTimeout);
        try
        {
            return await call(timeout.Token);
        }
        catch (OperationCanceledException cancelled) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HubOfflineException($"The Hub did not answer within {options.Value.ApiTimeout.TotalSeconds:0} s for {what}.", cancelled);
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
                ?? throw new HubBadResponseException($"The Hub sent an empty answer for {what}.");
        }
        catch (Exception exception) when (HubErrorClassifier.FromException(exception, what, cancellationToken) is { } typed && typed != exception)
        {
            throw typed;
        }
    }

    /// <summary>Sends a request, follows redirects itself (token only to the Hub's host), and throws typed errors for failures.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, Uri address, Action<HttpRequestMessage>? configure, string what, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            var response = await SendOnceAsync(method, address, configure, what, cancellationToken);
            if (!IsRedirect(response.StatusCode))
            {
                return response;
            }

            address = RedirectTarget(address, response, what);
            response.Dispose();
        }

        throw new HubBadResponseException($"Too many redirects for {what}.");
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method, Uri address, Action<HttpRequestMessage>? configure, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, address);
        configure?.Invoke(request);
        var withToken = environment.HasToken && environment.IsHubHost(address);
        if (withToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", environment.Token);
        }

        HttpResponseMessage response;
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception exception) when (HubErrorClassifier.FromException(exception, what, cancellationToken) is { } typed)
        {
            LogFailure(logger, method.Method, address.GetLeftPart(UriPartial.Path), typed.GetType().Name);
            throw typed;
        }

        if (response.IsSuccessStatusCode || IsRedirect(response.StatusCode))
        {
            return response;
        }

        using (response)
        {
            var error = HubErrorClassifier.FromResponse(response, what, withToken, timeProvider.GetUtcNow());
            LogFailure(logger, method.Method, address.GetLeftPart(UriPartial.Path), error.GetType().Name);
            throw error;
        }
    }

    private static Uri RedirectTarget(Uri current, HttpResponseMessage response, string what)
    {
        var location = response.Headers.Location ?? throw new HubBadResponseException($"The Hub redirected {what} without a Location.");
        return location.IsAbsoluteUri ? location : new Uri(current, location);
    }

    private static Uri? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var link in links.SelectMany(l => l.Split(',')))
        {
            var match = NextLinkPattern().Match(link);
            if (match.Success && Uri.TryCreate(match.Groups["uri"].Value, UriKind.Absolute, out var next))
            {
                return next;
            }
        }

        return null;
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400 && status != HttpStatusCode.NotModified;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string? NormalizeEtag(string? etag) =>
        etag is null ? null : etag.Replace("W/", "", StringComparison.Ordinal).Trim('"').ToLowerInvariant();

    [GeneratedRegex("<(?<uri>[^>]+)>\\s*;\\s*rel=\"?next\"?")]
    private static partial Regex NextLinkPattern();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub request {Method} {Address} failed: {Error}")]
    private static partial void LogFailure(ILogger logger, string method, string address, string error);
}
