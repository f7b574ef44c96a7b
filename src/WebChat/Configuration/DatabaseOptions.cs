namespace WebChat.Configuration;

/// <summary>Which database engine holds WebChat's data.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file (WebChat:DatabasePath): nothing to install, one app node.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (ConnectionStrings:WebChat): several app nodes can share it.</summary>
    Postgres,
}

/// <summary>The "Database" section of appsettings.json: the database engine.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Sqlite (an embedded file, the default) or Postgres (a server named by ConnectionStrings:WebChat, for several app nodes).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

/// <summary>The "ConnectionStrings" section of appsettings.json.</summary>
public sealed class ConnectionStringsOptions
{
    public const string SectionName = "ConnectionStrings";

    /// <summary>The PostgreSQL connection string when Database:Provider is Postgres (e.g. Host=db;Database=webchat;Username=webchat;Password=...); unused with SQLite.</summary>
    public string WebChat { get; set; } = "";
}
