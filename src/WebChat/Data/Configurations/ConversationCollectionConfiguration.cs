using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class ConversationCollectionConfiguration : IEntityTypeConfiguration<ConversationCollection>
{
    public void Configure(EntityTypeBuilder<ConversationCollection> builder)
    {
        builder.HasKey(c => new { c.ConversationId, c.CollectionId });
        builder.HasOne<Conversation>().WithMany().HasForeignKey(c => c.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<KnowledgeCollection>().WithMany().HasForeignKey(c => c.CollectionId).OnDelete(DeleteBehavior.Cascade);
    }
}
