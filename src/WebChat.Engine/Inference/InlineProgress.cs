namespace WebChat.Engine.Inference;

/// <summary>Reports on the reporting thread at once; Progress&lt;T&gt; would post reports that arrive after loading ended.</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
