using System.Threading.Channels;
using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference;

/// <summary>Reading a scheduler's answer stream in tests.</summary>
internal static class ChatUpdateStreams
{
    /// <summary>Every update until the stream completes; fails the test after 30 s rather than hanging it.</summary>
    public static async Task<List<ChatUpdate>> ReadAllAsync(ChannelReader<ChatUpdate> reader)
    {
        var updates = new List<ChatUpdate>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var update in reader.ReadAllAsync().WithCancellation(deadline.Token))
        {
            updates.Add(update);
        }

        return updates;
    }
}
