using Microsoft.Extensions.DependencyInjection;
using WebChat.Services.Accounts;
using WebChat.Tests.Support.Postgres;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>Several app nodes on one PostgreSQL database: their in-process gates cannot see each other's registrations.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFirstAdminTests(PostgresFixture postgres)
{
    [PostgresFact]
    public async Task Accounts_registered_at_the_same_moment_on_two_nodes_of_an_empty_database_make_exactly_one_admin()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        (string, string)[] settings = [("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", database)];
        await using var node1 = await AppServicesHost.StartAsync(settings);
        await using var node2 = await AppServicesHost.StartAsync(settings);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => RegisterAsync(i % 2 == 0 ? node1 : node2, $"racer{i}@example.test"))));

        Assert.All(results, r => Assert.True(r.Succeeded, string.Join(" ", r.Errors)));
        Assert.Single(results, r => r.Role == Roles.Admin);
    }

    private static async Task<RegistrationResult> RegisterAsync(AppServicesHost node, string email)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(email, "Passw0rd!");
    }
}
