using System.Globalization;
using WebChat.Data.Entities;

namespace WebChat.Services.Knowledge;

/// <summary>Where a file's reading is, in words: the Knowledge page and the chat's attachments say it the same way.</summary>
public static class IngestionText
{
    /// <summary>"Reading: 3 of 10 passages, about 4 s left", "Ready: 10 passages, 2 pages", or why it failed.</summary>
    public static string For(DocumentView document, IngestionProgress? progress)
    {
        if (document.Status == IngestionStatus.Ingesting && progress is { ChunksTotal: > 0 })
        {
            var eta = progress.Remaining is { } left ? $", about {Math.Ceiling(left.TotalSeconds)} s left" : "";
            return string.Create(CultureInfo.InvariantCulture, $"Reading: {progress.ChunksDone} of {progress.ChunksTotal} passages{eta}");
        }

        return document.Status switch
        {
            IngestionStatus.Ready => string.Create(CultureInfo.InvariantCulture, $"Ready: {document.ChunkCount} passages{(document.PageCount is { } p ? $", {p} pages" : "")}"),
            IngestionStatus.Failed or IngestionStatus.Cancelled => document.Error ?? document.Status.ToString(),
            IngestionStatus.Queued => "Waiting to be read",
            IngestionStatus.Ingesting => "Reading",
            _ => document.Status.ToString(),
        };
    }
}
