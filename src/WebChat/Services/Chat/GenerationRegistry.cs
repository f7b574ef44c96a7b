using System.Collections.Concurrent;

namespace WebChat.Services.Chat;

/// <summary>The answers being written right now, one at most per conversation. Only <see cref="GenerationRunner"/> adds and removes.</summary>
public sealed class GenerationRegistry
{
    private readonly ConcurrentDictionary<Guid, ActiveGeneration> _active = new();

    public ActiveGeneration? Find(Guid conversationId) => _active.GetValueOrDefault(conversationId);

    /// <summary>The answers being written, or waiting in the queue, for one user.</summary>
    public IReadOnlyList<ActiveGeneration> OfUser(string userId) => _active.Values.Where(g => g.UserId == userId).ToList();

    /// <summary>Claims the conversation; false when an answer is already being written there.</summary>
    internal bool TryAdd(ActiveGeneration generation) => _active.TryAdd(generation.ConversationId, generation);

    internal void Remove(ActiveGeneration generation) =>
        _active.TryRemove(new KeyValuePair<Guid, ActiveGeneration>(generation.ConversationId, generation));
}
