using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebChat.Data.Entities;

namespace WebChat.Data.Configurations;

internal sealed class KnowledgeCollectionConfiguration : IEntityTypeConfiguration<KnowledgeCollection>
{
    public void Configure(EntityTypeBuilder<KnowledgeCollection> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(80);
        builder.Property(c => c.Description).HasMaxLength(500);
        builder.Property(c => c.Scope).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Embedder).HasMaxLength(100);
        builder.HasIndex(c => new { c.OwnerId, c.Name });
        builder.HasIndex(c => c.ConversationId).IsUnique();
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Conversation>().WithMany().HasForeignKey(c => c.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Documents).WithOne(d => d.Collection).HasForeignKey(d => d.CollectionId).OnDelete(DeleteBehavior.Cascade);
    }
}
