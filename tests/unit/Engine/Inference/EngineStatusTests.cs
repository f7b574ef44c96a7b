using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference;

public class EngineStatusTests
{
    private static readonly EngineStatus Ready = new(EngineState.Ready, "/models/a.gguf", "a", LoadProgress: 1);

    [Fact]
    public void Progress_and_load_counts_do_not_make_a_different_model()
    {
        Assert.False(Ready.ModelDiffersFrom(Ready with { LoadProgress = 0.5, ActiveSequences = 3, QueuedRequests = 2 }));
    }

    [Fact]
    public void Another_state_or_another_file_does()
    {
        Assert.True(Ready.ModelDiffersFrom(Ready with { State = EngineState.Loading }));
        Assert.True(Ready.ModelDiffersFrom(Ready with { ModelPath = "/models/b.gguf" }));
        Assert.True(Ready.ModelDiffersFrom(EngineStatus.Empty));
    }
}
