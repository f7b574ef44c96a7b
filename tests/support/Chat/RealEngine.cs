using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebChat.Engine.Inference;

namespace WebChat.Tests.Support.Chat;

/// <summary>The real LLamaSharp engine, built the way the app builds it, for e2e tests and benchmarks.</summary>
public static class RealEngine
{
    public static IInferenceEngine Create(ILoggerFactory loggers, InferenceOptions? options = null)
    {
        var wrapped = Options.Create(options ?? new InferenceOptions { KeepAlive = null });
        return new InferenceEngine(new LlamaBackendLoader(new FileSizeFitCheck(), wrapped, loggers), wrapped, TimeProvider.System, loggers);
    }
}
