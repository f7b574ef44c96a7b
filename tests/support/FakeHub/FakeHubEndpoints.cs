using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace WebChat.Tests.Support.FakeHub;

/// <summary>The fake Hub's routes: search, model info, tree, resolve (302 to the CDN path) and the CDN with Range.</summary>
internal static class FakeHubEndpoints
{
    public static void Map(WebApplication app, FakeHubServer hub)
    {
        app.MapGet("/api/models", (HttpContext context) => FakeHubSearch.Search(hub, context));
        app.MapGet("/api/models/{owner}/{name}", (HttpContext context, string owner, string name) => ModelInfo(hub, context, owner, name, "main"));
        app.MapGet("/api/models/{owner}/{name}/revision/{revision}",
            (HttpContext context, string owner, string name, string revision) => ModelInfo(hub, context, owner, name, revision));
        app.MapGet("/api/models/{owner}/{name}/tree/{revision}",
            (HttpContext context, string owner, string name, string revision) => Tree(hub, context, owner, name, revision));
        app.MapMethods("/{owner}/{name}/resolve/{revision}/{**path}", ["GET", "HEAD"],
            (HttpContext context, string owner, string name, string revision, string path) => Resolve(hub, context, owner, name, revision, path));
        app.MapMethods("/cdn/{sha256}", ["GET", "HEAD"], (HttpContext context, string sha256) => FakeHubCdn.ServeAsync(hub, context, sha256));
    }

    /// <summary>Answers with an armed fault status (500, 429 + RateLimit...) instead of the real response; true when it did.</summary>
    public static bool TryFault(FakeHubServer hub, HttpContext context, FakeHubRoute route)
    {
        if (hub.Faults.TakeStatus(route) is not { } armed)
        {
            return false;
        }

        context.Response.StatusCode = armed.Status;
        if (armed.Wait is { } wait)
        {
            var seconds = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            if (armed.AsRetryAfter)
            {
                context.Response.Headers.RetryAfter = seconds;
            }
            else
            {
                context.Response.Headers["RateLimit"] = $"\"api\";r=0;t={seconds}";
                context.Response.Headers["RateLimit-Policy"] = "\"fixed window\";\"api\";q=500;w=300";
            }
        }

        return true;
    }

    private static IResult ModelInfo(FakeHubServer hub, HttpContext context, string owner, string name, string revision)
    {
        if (Lookup(hub, context, owner, name, revision, out var refusal) is not { } repo)
        {
            return refusal!;
        }

        var blobs = context.Request.Query["blobs"] == "true";
        var info = FakeHubSearch.AllFields(repo);
        info["sha"] = repo.Sha;
        info["siblings"] = repo.Files.Select(f => blobs
            ? new Dictionary<string, object?> { ["rfilename"] = f.Path, ["size"] = f.Size, ["lfs"] = new { sha256 = f.Sha256, size = f.Size, pointerSize = 134 } }
            : new Dictionary<string, object?> { ["rfilename"] = f.Path }).ToList();
        return Results.Json(info);
    }

    private static IResult Tree(FakeHubServer hub, HttpContext context, string owner, string name, string revision)
    {
        if (Lookup(hub, context, owner, name, revision, out var refusal) is not { } repo)
        {
            return refusal!;
        }

        return Results.Json(repo.Files.Select(f => new
        {
            type = "file",
            oid = f.Sha256[..40],
            size = f.Size,
            path = f.Path,
            lfs = new { oid = f.Sha256, size = f.Size, pointerSize = 134 },
        }));
    }

    private static IResult Resolve(FakeHubServer hub, HttpContext context, string owner, string name, string revision, string path)
    {
        if (Lookup(hub, context, owner, name, revision, out var refusal) is not { } repo)
        {
            return refusal!;
        }

        if (repo.File(path) is not { } file)
        {
            return Error(context, StatusCodes.Status404NotFound, "EntryNotFound", $"{path} does not exist in {repo.Id}");
        }

        if (repo.Gated is not null && GatedRefusal(hub, context, repo) is { } gated)
        {
            return gated;
        }

        var headers = context.Response.Headers;
        headers["X-Repo-Commit"] = repo.Sha;
        headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
        headers["X-Linked-Size"] = file.Size.ToString(CultureInfo.InvariantCulture);
        headers.ETag = $"\"{file.Sha256}\"";
        var cdn = new Uri(hub.CdnAddress, $"cdn/{file.Sha256}?name={Uri.EscapeDataString(Path.GetFileName(path))}");
        return Results.Redirect(cdn.ToString());
    }

    private static IResult? GatedRefusal(FakeHubServer hub, HttpContext context, FakeHubRepo repo)
    {
        var token = BearerToken(context);
        if (token is null || !hub.ValidTokens.Contains(token))
        {
            return Error(context, StatusCodes.Status401Unauthorized, "GatedRepo", $"Access to model {repo.Id} is restricted. You must have access to it and be authenticated to access it.");
        }

        return hub.TokensWithGatedAccess.Contains(token)
            ? null
            : Error(context, StatusCodes.Status403Forbidden, "GatedRepo", $"Access to model {repo.Id} is restricted and you are not in the authorized list.");
    }

    private static FakeHubRepo? Lookup(FakeHubServer hub, HttpContext context, string owner, string name, string revision, out IResult? refusal)
    {
        var token = BearerToken(context);
        var repo = hub.Find(owner, name);
        refusal = token is not null && !hub.ValidTokens.Contains(token)
            ? Error(context, StatusCodes.Status401Unauthorized, null, "Invalid credentials in Authorization header")
            : repo is null
                ? Error(context, StatusCodes.Status404NotFound, "RepoNotFound", $"Repository {owner}/{name} not found")
                : revision != "main" && !string.Equals(revision, repo.Sha, StringComparison.OrdinalIgnoreCase)
                    ? Error(context, StatusCodes.Status404NotFound, "RevisionNotFound", $"Invalid rev id: {revision}")
                    : null;
        return refusal is null ? repo : null;
    }

    private static IResult Error(HttpContext context, int status, string? code, string message)
    {
        context.Response.StatusCode = status;
        if (code is not null)
        {
            context.Response.Headers["X-Error-Code"] = code;
        }

        context.Response.Headers["X-Error-Message"] = message;
        return Results.Json(new { error = message }, statusCode: status);
    }

    private static string? BearerToken(HttpContext context)
    {
        var header = context.Request.Headers[HeaderNames.Authorization].FirstOrDefault();
        return header?.StartsWith("Bearer ", StringComparison.Ordinal) == true ? header["Bearer ".Length..] : null;
    }
}
