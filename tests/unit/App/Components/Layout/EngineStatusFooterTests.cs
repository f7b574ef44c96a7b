using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using WebChat.Components.Layout;
using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.App.Components.Layout;

public sealed class EngineStatusFooterTests : BunitContext
{
    private readonly ObservableEngine engine = new();

    public EngineStatusFooterTests()
    {
        Services.AddMudServices();
        Services.AddSingleton<IInferenceEngine>(engine);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void The_footer_follows_the_engine_from_empty_to_loading_to_ready()
    {
        var footer = Render<EngineStatusFooter>();
        Assert.Contains("No model loaded", footer.Markup, StringComparison.Ordinal);

        engine.Publish(new EngineStatus(EngineState.Loading, ModelName: "tiny-q8", LoadProgress: 0.5));
        footer.WaitForAssertion(() => Assert.Contains("Loading tiny-q8… 50", footer.Markup, StringComparison.Ordinal));

        engine.Publish(new EngineStatus(EngineState.Ready, ModelName: "tiny-q8", ActiveSequences: 2, QueuedRequests: 1));
        footer.WaitForAssertion(() => Assert.Contains("Ready: tiny-q8 · 2 generating, 1 waiting", footer.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_load_shows_the_engine_message()
    {
        var footer = Render<EngineStatusFooter>();

        engine.Publish(new EngineStatus(EngineState.Failed, Error: "not a GGUF file"));

        footer.WaitForAssertion(() => Assert.Contains("Model failed to load: not a GGUF file", footer.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void Disposing_the_footer_ends_its_subscription()
    {
        var footer = Render<EngineStatusFooter>();
        Assert.Equal(1, engine.Subscribers);

        footer.Instance.Dispose();

        Assert.Equal(0, engine.Subscribers);
    }

    /// <summary>A status source only: the footer never asks the engine to load or chat.</summary>
    private sealed class ObservableEngine : IInferenceEngine
    {
        private readonly List<Action<EngineStatus>> listeners = [];

        public EngineStatus Status { get; private set; } = EngineStatus.Empty;

        public int Subscribers => listeners.Count;

        public void Publish(EngineStatus status)
        {
            Status = status;
            foreach (var listener in listeners.ToArray())
            {
                listener(status);
            }
        }

        public IDisposable Subscribe(Action<EngineStatus> onChange)
        {
            listeners.Add(onChange);
            return new Unsubscriber(() => listeners.Remove(onChange));
        }

        public Task LoadAsync(ModelLoadOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task UnloadAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<ChatUpdate> StreamChatAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        private sealed class Unsubscriber(Action dispose) : IDisposable
        {
            public void Dispose() => dispose();
        }
    }
}
