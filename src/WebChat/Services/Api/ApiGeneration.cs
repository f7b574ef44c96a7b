using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.ApiKeys;
using WebChat.Services.Chat;

namespace WebChat.Services.Api;

/// <summary>
/// One API request being answered. Started only once the engine took it (busy or not-ready fail before any byte
/// is sent); disposing it writes the usage record and releases the quota slot, however it ended.
/// </summary>
public sealed class ApiGeneration : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ChatUpdate> _updates;
    private readonly IDisposable _quotaLease;
    private readonly UsageWriter _usage;
    private readonly ApiCaller _caller;
    private ChatUpdate? _first;
    private bool _disposed;

    internal ApiGeneration(IAsyncEnumerator<ChatUpdate> updates, ChatUpdate? first, IDisposable quotaLease, UsageWriter usage, ApiCaller caller, string model)
    {
        (_updates, _first, _quotaLease, _usage, _caller, Model) = (updates, first, quotaLease, usage, caller, model);
    }

    /// <summary>The installed model's id, as /v1/models lists it.</summary>
    public string Model { get; }

    /// <summary>The engine's last update, once the stream has ended.</summary>
    public ChatSummary? Summary { get; private set; }

    /// <summary>The answer's text pieces, in order; <see cref="Summary"/> is set when this ends.</summary>
    public async IAsyncEnumerable<string> ReadTextAsync()
    {
        if (_first is { } first)
        {
            _first = null;
            if (Accept(first) is { } text)
            {
                yield return text;
            }
        }

        while (await _updates.MoveNextAsync())
        {
            if (Accept(_updates.Current) is { } text)
            {
                yield return text;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await _updates.DisposeAsync();
            // Recorded however the request ended; a client that went away ends as Cancelled.
            await _usage.WriteAsync(_caller.UserId, null, Summary?.Model ?? Model, Summary, Summary?.FinishReason ?? FinishReason.Cancelled,
                UsageSource.Api, _caller.KeyId, CancellationToken.None);
        }
        finally
        {
            _quotaLease.Dispose();
        }
    }

    private string? Accept(ChatUpdate update)
    {
        switch (update)
        {
            case TextDelta delta:
                return delta.Text;
            case ChatSummary summary:
                Summary = summary;
                return null;
            default:
                return null;
        }
    }
}
