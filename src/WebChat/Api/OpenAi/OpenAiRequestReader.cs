using System.Text.Json;

namespace WebChat.Api.OpenAi;

/// <summary>
/// Reads a /v1 request body: 413 past <see cref="MaxBodyBytes"/>, 400 for anything that is not the expected JSON
/// (with the offending field as "param"). The body is read here, not by model binding, so no bad input becomes a 500.
/// </summary>
public static class OpenAiRequestReader
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public static async Task<(T? Request, OpenAiError? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, TooLarge());
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, OpenAiError.BadRequest("The request body is empty; send a JSON object."));
        }

        try
        {
            var body = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), OpenAiJson.Options);
            return body is null ? (null, OpenAiError.BadRequest("The request body must be a JSON object.")) : (body, null);
        }
        catch (JsonException e)
        {
            var param = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            var what = param is null ? "The request body is not valid JSON" : $"The field '{param}' has the wrong type or is not valid JSON";
            return (null, OpenAiError.BadRequest($"{what} (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).", param));
        }
    }

    private static OpenAiError TooLarge() =>
        OpenAiError.TooLarge($"The request body is larger than {MaxBodyBytes / (1024 * 1024)} MiB.");
}
