using System.Text.RegularExpressions;

namespace WebChat.Services.Models;

/// <summary>
/// Links to the Hub built from what the Hub answered: a repository id becomes a link only when it is a plain
/// owner/name, so an id such as "//evil.example/x" or "javascript:..." from a mirror never becomes an address.
/// </summary>
public static partial class HubLinks
{
    /// <summary>The model's page on the Hub, or null when the id or the Hub address cannot make a safe link.</summary>
    public static Uri? ModelPage(Uri? hub, string? repoId)
    {
        if (hub is null || hub.Scheme is not ("https" or "http") || repoId is null || !RepoId().IsMatch(repoId))
        {
            return null;
        }

        var page = new Uri(hub, repoId);
        return page.Host == hub.Host && page.Scheme == hub.Scheme ? page : null;
    }

    // The Hub's rule for names: letters, digits, '-', '_', '.'; no leading '.' or '-', no "..".
    [GeneratedRegex(@"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")]
    private static partial Regex RepoId();
}
