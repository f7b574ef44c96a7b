using Bunit;
using MudBlazor.Services;

namespace WebChat.Tests.Unit.App.Components;

/// <summary>A bUnit context with MudBlazor's services and loose JS interop, for tests of one component.</summary>
public abstract class MudComponentTestContext : BunitContext, IAsyncLifetime
{
    protected MudComponentTestContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services only implement IAsyncDisposable, so the context must be disposed asynchronously.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
