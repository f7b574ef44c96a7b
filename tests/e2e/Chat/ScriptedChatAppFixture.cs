using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebChat.Engine.Inference;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.Chat;

namespace WebChat.Tests.E2E.Chat;

/// <summary>The app with the scripted engine (TEST DOUBLE) in place of LLamaSharp: tests decide exactly what the model writes and read what it was sent.</summary>
public class ScriptedChatAppFixture : WebChatAppFixture
{
    public ScriptedInferenceEngine Engine { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<IInferenceEngine>();
            services.AddSingleton<IInferenceEngine>(Engine);
        });
}
