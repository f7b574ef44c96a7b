using Xunit;

namespace WebChat.Tests.Support.Postgres;

/// <summary>A Fact that skips itself, with the reason, where PostgreSQL's server binaries are not installed.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresCluster.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
