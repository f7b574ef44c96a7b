using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WebChat.Data;

/// <summary>
/// The PostgreSQL twin for `dotnet ef migrations add Name --context PostgresWebChatDbContext --output-dir
/// Data/Migrations/Postgres`; adding a migration connects to no server.
/// </summary>
internal sealed class PostgresWebChatDbContextDesignFactory : IDesignTimeDbContextFactory<PostgresWebChatDbContext>
{
    public PostgresWebChatDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresWebChatDbContext>().UseNpgsql("Host=localhost;Database=webchat_design").Options);
}
