using System.Linq.Expressions;
using WebChat.Data.Entities;

namespace WebChat.Services.Knowledge;

/// <summary>The one place that says who reads and who changes a collection.</summary>
public static class KnowledgeAccess
{
    // Readable and CanRead say the same rule twice, once for SQL and once for a loaded row; change both together.

    /// <summary>Readable: one's own collections (chat ones included), everyone's shared ones and the team's.</summary>
    public static Expression<Func<KnowledgeCollection, bool>> Readable(KnowledgeActor actor) =>
        c => c.OwnerId == actor.UserId || c.Scope == CollectionScope.Shared || c.Scope == CollectionScope.Team;

    public static bool CanRead(KnowledgeActor actor, KnowledgeCollection collection) =>
        collection.OwnerId == actor.UserId || collection.Scope is CollectionScope.Shared or CollectionScope.Team;

    /// <summary>Changeable (files, name, sharing, deletion): team collections by admins, the others by their owner.</summary>
    public static bool CanChange(KnowledgeActor actor, KnowledgeCollection collection) =>
        collection.Scope == CollectionScope.Team ? actor.IsAdmin : collection.OwnerId == actor.UserId;
}
