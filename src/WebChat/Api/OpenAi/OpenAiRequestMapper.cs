using System.Text;
using System.Text.Json;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;

namespace WebChat.Api.OpenAi;

/// <summary>A checked /v1 request: the model asked for, the engine request, and how to answer.</summary>
public sealed record MappedRequest(string Model, ChatRequest Engine, bool Stream, bool IncludeUsage);

/// <summary>Checks /v1 requests against the ranges the chat page uses (<see cref="SamplingRules"/>) and turns them into engine requests.</summary>
public static class OpenAiRequestMapper
{
    public const int DefaultMaxTokens = 1024;
    public const int MaxStopStrings = 4;

    /// <summary>Longest stop string: the matcher holds back and rescans up to this much text per token on the scheduler's thread.</summary>
    public const int MaxStopStringLength = 200;

    public static (MappedRequest? Request, OpenAiError? Error) MapChat(ChatCompletionRequest body)
    {
        if (CheckCommon(body.Model, body.N, body.Temperature, body.TopP) is { } error)
        {
            return (null, error);
        }

        if (body.Messages is not { Count: > 0 } messages)
        {
            return (null, OpenAiError.BadRequest("'messages' must be a non-empty array.", "messages"));
        }

        var turns = new List<ChatTurn>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var (turn, turnError) = MapMessage(messages[i], i);
            if (turnError is not null)
            {
                return (null, turnError);
            }

            turns.Add(turn!);
        }

        return Finish(body.Model!, turns, body.MaxCompletionTokens ?? body.MaxTokens,
            body.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens", body.Stop, body, body.Seed, body.Stream, body.StreamOptions);
    }

    public static (MappedRequest? Request, OpenAiError? Error) MapCompletion(CompletionRequest body)
    {
        if (CheckCommon(body.Model, body.N, body.Temperature, body.TopP) is { } error)
        {
            return (null, error);
        }

        var prompt = body.Prompt switch
        {
            { ValueKind: JsonValueKind.String } text => text.GetString(),
            { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() == 1 && list[0].ValueKind == JsonValueKind.String => list[0].GetString(),
            _ => null,
        };
        if (string.IsNullOrEmpty(prompt))
        {
            return (null, OpenAiError.BadRequest("'prompt' must be a non-empty string (or an array of one string).", "prompt"));
        }

        // The engine answers through the model's chat template: the prompt is sent as one user turn.
        return Finish(body.Model!, [new ChatTurn(ChatRole.User, prompt)], body.MaxTokens, "max_tokens", body.Stop,
            new ChatCompletionRequest { Temperature = body.Temperature, TopP = body.TopP }, body.Seed, body.Stream, body.StreamOptions);
    }

    private static OpenAiError? CheckCommon(string? model, int? n, float? temperature, float? topP)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return OpenAiError.BadRequest("'model' is required: one of the ids GET /v1/models lists.", "model");
        }

        if (n is not null and not 1)
        {
            return OpenAiError.BadRequest("Only n = 1 is supported.", "n");
        }

        if (temperature is < 0 or > SamplingRules.MaxTemperature)
        {
            return OpenAiError.BadRequest($"'temperature' must be between 0 and {SamplingRules.MaxTemperature}.", "temperature");
        }

        return topP is <= 0 or > 1 ? OpenAiError.BadRequest("'top_p' must be above 0 and at most 1.", "top_p") : null;
    }

    private static (MappedRequest? Request, OpenAiError? Error) Finish(
        string model, List<ChatTurn> turns, int? maxTokens, string maxTokensParam, JsonElement? stop,
        ChatCompletionRequest sampling, long? seed, bool? stream, StreamOptions? streamOptions)
    {
        if (maxTokens is < 1 or > SamplingRules.MaxTokensLimit)
        {
            return (null, OpenAiError.BadRequest($"'{maxTokensParam}' must be between 1 and {SamplingRules.MaxTokensLimit}.", maxTokensParam));
        }

        var (stops, stopError) = MapStop(stop);
        if (stopError is not null)
        {
            return (null, stopError);
        }

        var defaults = new SamplingOptions();
        var request = new ChatRequest
        {
            Messages = turns,
            MaxTokens = maxTokens ?? DefaultMaxTokens,
            StopStrings = stops,
            Sampling = defaults with
            {
                Temperature = sampling.Temperature ?? defaults.Temperature,
                TopP = sampling.TopP ?? defaults.TopP,
                Seed = seed is { } s ? unchecked((uint)s) : null,
            },
        };
        return (new MappedRequest(model, request, stream == true, streamOptions?.IncludeUsage == true), null);
    }

    private static (ChatTurn? Turn, OpenAiError? Error) MapMessage(ChatMessageRequest message, int index)
    {
        ChatRole? role = message.Role switch
        {
            "system" or "developer" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            _ => null,
        };
        if (role is null)
        {
            return (null, OpenAiError.BadRequest(
                $"messages[{index}].role must be one of system, developer, user, assistant (tools are not supported).", $"messages[{index}].role"));
        }

        var content = message.Content switch
        {
            null or { ValueKind: JsonValueKind.Null } when role == ChatRole.Assistant => "",
            { ValueKind: JsonValueKind.String } text => text.GetString(),
            { ValueKind: JsonValueKind.Array } parts => TextOfParts(parts),
            _ => null,
        };
        return content is null
            ? (null, OpenAiError.BadRequest(
                $"messages[{index}].content must be a string or an array of text parts.", $"messages[{index}].content"))
            : (new ChatTurn(role.Value, content), null);
    }

    // Only text parts are understood: an image or audio part is refused rather than silently dropped.
    private static string? TextOfParts(JsonElement parts)
    {
        var text = new StringBuilder();
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "text"
                || !part.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            text.Append(value.GetString());
        }

        return text.ToString();
    }

    private static (IReadOnlyList<string> Stops, OpenAiError? Error) MapStop(JsonElement? stop)
    {
        switch (stop)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return ([], null);
            case { ValueKind: JsonValueKind.String } one when one.GetString() is { Length: > 0 and <= MaxStopStringLength } text:
                return ([text], null);
            case { ValueKind: JsonValueKind.Array } many when many.GetArrayLength() <= MaxStopStrings
                && many.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String && s.GetString()!.Length is > 0 and <= MaxStopStringLength):
                return (many.EnumerateArray().Select(s => s.GetString()!).ToList(), null);
            default:
                return ([], OpenAiError.BadRequest(
                    $"'stop' must be a string of 1 to {MaxStopStringLength} characters or an array of at most {MaxStopStrings} of them.", "stop"));
        }
    }
}
