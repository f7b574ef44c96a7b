using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebChat.Tests.Support.FakeEngine;

/// <summary>
/// A real Kestrel server on 127.0.0.1 speaking the OpenAI chat API (/v1/models, streaming /v1/chat/completions) with
/// switches for the routing tests: a status before the first token, a connection dropped after N tokens, a hang until
/// the client cancels, reasoning_content, a required API key. Counts the requests it served and those cancelled.
/// </summary>
public sealed class FakeOpenAiEngine : IAsyncDisposable
{
    private WebApplication? _app;
    private int _served;
    private int _cancelled;
    private int _inFlight;
    private int _completed;
    private int _listings;

    private FakeOpenAiEngine()
    {
    }

    /// <summary>The address as an OpenAI client takes it: http://127.0.0.1:port/v1.</summary>
    public string BaseUrl { get; private set; } = "";

    public List<string> Models { get; } = ["fake-model"];

    /// <summary>Answer text, one SSE chunk per piece.</summary>
    public IReadOnlyList<string> Tokens { get; set; } = ["Hello", " from", " the", " fake"];

    /// <summary>A pause before each answer token, as a real engine's decode step takes (bench soak --nodes); zero sends at once.</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>Reasoning sent as reasoning_content before the text (vLLM's and llama-server's way); empty sends none.</summary>
    public IReadOnlyList<string> Reasoning { get; set; } = [];

    /// <summary>A status to answer chat requests with instead of a stream (e.g. 500); null streams.</summary>
    public int? FailWithStatus { get; set; }

    /// <summary>After this many tokens the connection is dropped; null finishes normally.</summary>
    public int? DropAfterTokens { get; set; }

    /// <summary>After the first token, wait until the client goes away.</summary>
    public bool HangAfterFirstToken { get; set; }

    /// <summary>After the first token, wait for this (or the client going away) before sending the rest; null sends on.</summary>
    public TaskCompletionSource? HoldAfterFirstToken { get; set; }

    /// <summary>The key clients must send as Bearer; null accepts any.</summary>
    public string? RequiredKey { get; set; }

    /// <summary>Requests in flight as the engine's own /metrics reports them (llama-server's names); null: no /metrics.</summary>
    public int? ReportedLoad { get; set; }

    /// <summary>Whether /v1/models answers (false: 503, as a server going down).</summary>
    public bool Up { get; set; } = true;

    public int Served => Volatile.Read(ref _served);

    /// <summary>How often /v1/models was asked (each health check of a WebChat asks once).</summary>
    public int ModelListings => Volatile.Read(ref _listings);
    public int Cancelled => Volatile.Read(ref _cancelled);
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Answers sent to their end ([DONE]) to a client still connected.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>The first token of a request was written (a hanging test waits for it).</summary>
    public TaskCompletionSource FirstTokenSent { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A hanging request saw its client go away.</summary>
    public TaskCompletionSource CancelSeen { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeOpenAiEngine> StartAsync(CancellationToken cancellationToken = default)
    {
        var engine = new FakeOpenAiEngine();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/v1/models", engine.ModelsAsync);
        app.MapPost("/v1/chat/completions", engine.ChatAsync);
        app.MapGet("/metrics", engine.MetricsAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        engine.BaseUrl = address.TrimEnd('/') + "/v1";
        engine._app = app;
        return engine;
    }

    public void ResetSignals()
    {
        FirstTokenSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        CancelSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync(TimeSpan.FromSeconds(2));
            await app.DisposeAsync();
        }
    }

    private bool Authorized(HttpContext context) =>
        RequiredKey is null || context.Request.Headers.Authorization.ToString() == "Bearer " + RequiredKey;

    private async Task ModelsAsync(HttpContext context)
    {
        Interlocked.Increment(ref _listings);
        if (!Up)
        {
            context.Response.StatusCode = 503;
            return;
        }

        if (!Authorized(context))
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "Invalid API key", type = "invalid_request_error" } });
            return;
        }

        await context.Response.WriteAsJsonAsync(new { @object = "list", data = Models.Select(m => new { id = m, @object = "model", created = 0, owned_by = "fake" }) });
    }

    private async Task MetricsAsync(HttpContext context)
    {
        if (ReportedLoad is not { } load)
        {
            context.Response.StatusCode = 404;
            return;
        }

        await context.Response.WriteAsync($"# TYPE llamacpp:requests_processing gauge\nllamacpp:requests_processing {load}\nllamacpp:requests_deferred 0\n");
    }

    private async Task ChatAsync(HttpContext context)
    {
        if (!Authorized(context))
        {
            context.Response.StatusCode = 401;
            return;
        }

        if (FailWithStatus is { } status)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "failing on purpose", type = "server_error" } });
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var model = body.RootElement.GetProperty("model").GetString();
        Interlocked.Increment(ref _served);
        Interlocked.Increment(ref _inFlight);
        try
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var thought in Reasoning)
            {
                await SendAsync(context, model, new { reasoning_content = thought });
            }

            for (var i = 0; i < Tokens.Count; i++)
            {
                if (DropAfterTokens == i)
                {
                    // The server dies mid-answer. A reset at once can discard tokens the client has not read yet
                    // (TCP drops unread data on RST), so the tokens sent get a moment to arrive first.
                    await Task.Delay(200, context.RequestAborted);
                    context.Abort();
                    return;
                }

                if (TokenDelay > TimeSpan.Zero)
                {
                    await Task.Delay(TokenDelay, context.RequestAborted);
                }

                await SendAsync(context, model, new { content = Tokens[i] });
                if (i == 0)
                {
                    FirstTokenSent.TrySetResult();
                    if (HangAfterFirstToken)
                    {
                        await WaitForCancelAsync(context);
                        return;
                    }

                    if (HoldAfterFirstToken is { } hold)
                    {
                        await hold.Task.WaitAsync(context.RequestAborted);
                    }
                }
            }

            await SendAsync(context, model, new { }, "stop");
            await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(new
            {
                id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 0, model, choices = Array.Empty<object>(),
                usage = new { prompt_tokens = 7, completion_tokens = Tokens.Count, total_tokens = 7 + Tokens.Count, prompt_tokens_details = new { cached_tokens = 3 } },
            }) + "\n\ndata: [DONE]\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.RequestAborted.ThrowIfCancellationRequested(); // the last writes went nowhere: the client had gone

            Interlocked.Increment(ref _completed);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            Interlocked.Increment(ref _cancelled);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task WaitForCancelAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelled);
            CancelSeen.TrySetResult();
        }
    }

    private static async Task SendAsync(HttpContext context, string? model, object delta, string? finish = null)
    {
        var chunk = new { id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 0, model, choices = new[] { new { index = 0, delta, finish_reason = finish } } };
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
