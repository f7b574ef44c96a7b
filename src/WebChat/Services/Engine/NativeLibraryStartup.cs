using WebChat.Engine.Inference.Native;

namespace WebChat.Services.Engine;

/// <summary>Chooses and loads llama.cpp while the app starts, so the log says what loaded before anyone asks for a model.</summary>
internal sealed class NativeLibraryStartup(NativeLibrarySelection selection) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => selection.ApplyAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
