using Microsoft.Extensions.DependencyInjection;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Services.Nodes;
using WebChat.Tests.Support.Postgres;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>Two nodes on one PostgreSQL database: an account change on one reaches the other's sessions through LISTEN/NOTIFY.</summary>
[Collection(PostgresCollection.Name)]
public sealed class NodeSignalsTests(PostgresFixture postgres)
{
    [PostgresFact]
    public async Task Disabling_a_user_on_node_A_tells_node_B_whose_sessions_then_find_the_account_inactive()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        (string, string)[] settings = [("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", database)];
        await using var nodeA = await AppServicesHost.StartAsync(settings);
        await using var nodeB = await AppServicesHost.StartAsync(settings);
        await RegisterAsync(nodeA, "admin@example.test");
        var user = await RegisterAsync(nodeA, "user@example.test");
        await nodeB.ListenAsync();
        var accessB = nodeB.Services.GetRequiredService<IUserAccessState>();
        Assert.True(await accessB.IsActiveAsync(user.Id)); // node B now holds the account as active in its cache
        var heardOnB = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var session = nodeB.Services.GetRequiredService<AccountRevocations>().Subscribe(id => heardOnB.TrySetResult(id));

        await using (var scope = nodeA.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<AccountControl>().DisableAsync(Actors.Admin, user.Id)).Succeeded);
        }

        Assert.Equal(user.Id, await heardOnB.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(await accessB.IsActiveAsync(user.Id));
    }

    [PostgresFact]
    public async Task A_node_does_not_hear_its_own_signals_back()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        await using var node = await AppServicesHost.StartAsync(("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", database));
        var signals = await node.ListenAsync();
        var heard = new List<string>();
        using var own = signals.Subscribe("probe", heard.Add);
        var other = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var marker = signals.Subscribe("marker", other.SetResult);

        await signals.SendAsync("probe", "mine");
        // A second node's NOTIFY after ours: once it arrives, ours (sent first, on the same channel) would have too.
        await using (var second = await AppServicesHost.StartAsync(("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", database)))
        {
            await second.Services.GetRequiredService<INodeSignals>().SendAsync("marker", "theirs");
            Assert.Equal("theirs", await other.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        }

        Assert.Empty(heard);
    }

    private static async Task<ApplicationUser> RegisterAsync(AppServicesHost app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(email, "Passw0rd!");
        return result.User ?? throw new InvalidOperationException(string.Join(" ", result.Errors));
    }
}
