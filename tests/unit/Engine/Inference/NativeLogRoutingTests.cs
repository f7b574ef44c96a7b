using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WebChat.Engine.Inference;
using static WebChat.Tests.Unit.Engine.Inference.RealModel;

namespace WebChat.Tests.Unit.Engine.Inference;

[Collection(RealModelCollection.Name)]
public sealed class NativeLogRoutingTests
{
    [Fact]
    public async Task Llama_cpp_log_lines_reach_the_logger_below_information_so_they_stay_quiet_by_default()
    {
        using var loggers = new RecordingLoggerFactory();
        await using var engine = CreateEngine(loggers: loggers);

        await engine.LoadAsync(Load());

        var native = loggers.Entries.Where(e => e.Category == "LLama.Native").ToList();
        Assert.True(native.Count > 20, $"{native.Count} native lines");
        Assert.Contains(native, e => e.Message.Contains("llama_model_loader", StringComparison.Ordinal));
        Assert.All(native.Where(e => e.Message.Contains("llama_model_loader", StringComparison.Ordinal)), e => Assert.True(e.Level < LogLevel.Information));
        Assert.DoesNotContain(native, e => e.Message.EndsWith('\n'));
    }

    private sealed class RecordingLoggerFactory : ILoggerFactory
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class Recorder(RecordingLoggerFactory factory, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                factory.Entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
