using WebChat.Engine.Inference;

namespace WebChat.Services.Models;

/// <summary>Whether a message sent now is answered after a load instead of being refused.</summary>
public static class OnDemandLoading
{
    public static bool Applies(EngineStatus status, bool hasDefaultModel) => status.State switch
    {
        EngineState.Ready or EngineState.Loading => true,
        EngineState.Empty when status.ModelPath is not null => true, // asleep after the idle time
        _ => hasDefaultModel,
    };
}
