using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.ApiKeys;
using WebChat.Services.Chat;

namespace WebChat.Services.Api;

/// <summary>
/// One API request being answered. Started only once the engine took it (busy or not-ready fail before any byte
/// is sent); disposing it writes the usage record and releases the quota slot, however it ended. A client that left
/// mid-answer still pays for what the engine produced: disposing stops the work and reads the engine's summary first.
/// </summary>
public sealed class ApiGeneration : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ChatUpdate> _updates;
    private readonly IDisposable _quotaLease;
    private readonly CancellationTokenSource _stop;
    private readonly UsageWriter _usage;
    private readonly ApiCaller _caller;
    private readonly ILogger _logger;
    private readonly Action<ApiGeneration>? _onEnded;
    private string? _stopReason;
    private ChatUpdate? _first;
    private bool _disposed;

    internal ApiGeneration(
        IAsyncEnumerator<ChatUpdate> updates, ChatUpdate? first, IDisposable quotaLease, CancellationTokenSource stop, UsageWriter usage,
        ApiCaller caller, string model, ILogger logger, Action<ApiGeneration>? onEnded = null)
    {
        (_updates, _first, _quotaLease, _stop, _usage, _caller, Model, _logger, _onEnded) = (updates, first, quotaLease, stop, usage, caller, model, logger, onEnded);
    }

    /// <summary>Ends the answer early for <paramref name="reason"/> (the account was disabled); the client is told why.</summary>
    public void Stop(string reason)
    {
        _stopReason ??= reason;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already over.
        }
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

        while (await MoveNextAsync())
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
            try
            {
                await ReadSummaryAsync();
                await _updates.DisposeAsync();
            }
            catch (OperationCanceledException)
            {
                // The stream ended on the cancellation itself before its summary (a remote engine's request aborted,
                // or the prompt still being fitted): still recorded below, as cancelled.
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "The engine's stream failed while closing");
            }

            // Recorded however the request ended; a client that went away ends as Cancelled.
            await _usage.WriteAsync(_caller.UserId, null, Summary?.Model ?? Model, Summary, Summary?.FinishReason ?? FinishReason.Cancelled,
                UsageSource.Api, _caller.KeyId, cancellationToken: CancellationToken.None);
        }
        finally
        {
            _onEnded?.Invoke(this);
            _quotaLease.Dispose();
            _stop.Dispose();
        }
    }

    // The client left (or stopped reading) before the end: stop the engine's work and read on to its summary, which
    // counts the tokens it did produce. Without this an aborted stream was stored with 0 tokens and cost no quota.
    private async Task ReadSummaryAsync()
    {
        if (Summary is not null)
        {
            return;
        }

        await _stop.CancelAsync();
        if (_first is { } first)
        {
            _first = null;
            Accept(first);
        }

        while (Summary is null && await MoveNextAsync())
        {
            Accept(_updates.Current);
        }
    }

    // An engine failure mid-answer becomes an Error summary: the endpoint reports it in words, never as a stack trace.
    private async Task<bool> MoveNextAsync()
    {
        try
        {
            return await _updates.MoveNextAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "The engine failed while answering an API request");
            Summary = new ChatSummary
            {
                FinishReason = FinishReason.Error,
                Message = e is EngineException ? e.Message : "The engine stopped unexpectedly. Try again; if it keeps happening, ask an admin to reload the model.",
            };
            return false;
        }
    }

    private string? Accept(ChatUpdate update)
    {
        switch (update)
        {
            case TextDelta delta:
                return delta.Text;
            case ChatSummary summary:
                Summary = _stopReason is { } reason && summary.FinishReason == FinishReason.Cancelled ? summary with { Message = reason } : summary;
                return null;
            default:
                return null;
        }
    }
}
