using Microsoft.EntityFrameworkCore;

namespace WebChat.Data;

/// <summary>
/// The same model on PostgreSQL. A type of its own only so that EF Core finds the PostgreSQL migrations
/// (Data/Migrations/Postgres, attributed to this type) apart from SQLite's, as EF Core's docs recommend for one model
/// on several providers; the app still asks for <see cref="WebChatDbContext"/> everywhere.
/// </summary>
public sealed class PostgresWebChatDbContext(DbContextOptions<PostgresWebChatDbContext> options) : WebChatDbContext(options);
