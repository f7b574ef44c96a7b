using Microsoft.Extensions.Options;

namespace WebChat.Configuration;

/// <summary>Fails the start, naming the setting, when PostgreSQL is chosen without a connection string.</summary>
internal sealed class DatabaseOptionsValidator(IOptions<ConnectionStringsOptions> connectionStrings) : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options) =>
        options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionStrings.Value.WebChat)
            ? ValidateOptionsResult.Fail("Database:Provider is Postgres but ConnectionStrings:WebChat is empty: set it to the PostgreSQL server's connection string (e.g. Host=db;Database=webchat;Username=webchat;Password=...).")
            : ValidateOptionsResult.Success;
}
