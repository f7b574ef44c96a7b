using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using WebChat.Data.Entities;

namespace WebChat.Data;

/// <summary>
/// The same model on PostgreSQL, a type of its own so that EF Core finds the PostgreSQL migrations
/// (Data/Migrations/Postgres, attributed to this type) apart from SQLite's, as EF Core's docs recommend for one model
/// on several providers; the app still asks for <see cref="WebChatDbContext"/> everywhere. Several nodes share it, and
/// each has its own models folder: a node sees the installed models it holds a copy of and its own downloads, so
/// everything that lists, loads or offers a model answers for this node without asking.
/// </summary>
public sealed class PostgresWebChatDbContext(DbContextOptions<PostgresWebChatDbContext> options) : WebChatDbContext(options)
{
    // A copy row belongs to its model whatever the filter hides; nothing navigates from a copy to its model.
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ConfigureWarnings(w => w.Ignore(CoreEventId.PossibleIncorrectRequiredNavigationWithQueryFilterInteractionWarning));

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<InstalledModel>().HasQueryFilter(m => m.Copies.Any(c => c.Node == Node));
        builder.Entity<Download>().HasQueryFilter(d => d.Node == Node);
    }
}
