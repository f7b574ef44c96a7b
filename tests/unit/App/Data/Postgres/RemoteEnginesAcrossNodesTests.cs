using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebChat.Extensions;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.Support.FakeEngine;
using WebChat.Tests.Support.Postgres;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>Two nodes on one PostgreSQL database: an engine an admin adds or removes on one is served by the other without a restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RemoteEnginesAcrossNodesTests(PostgresFixture postgres)
{
    [PostgresFact]
    public async Task An_engine_added_and_removed_on_node_A_appears_and_disappears_on_node_B()
    {
        await using var engine = await FakeOpenAiEngine.StartAsync();
        var database = await postgres.Cluster.CreateDatabaseAsync();
        (string, string)[] settings = [("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", database)];
        await using var nodeA = await AppServicesHost.StartAsync(builder => builder.AddWebChatEngines(), settings);
        await using var nodeB = await AppServicesHost.StartAsync(builder => builder.AddWebChatEngines(), settings);
        var monitorB = nodeB.Services.GetServices<IHostedService>().OfType<RemoteEngineMonitor>().Single();
        await nodeB.ListenAsync();
        var enginesB = nodeB.Services.GetRequiredService<RemoteEngines>();
        var loadedAtStart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (enginesB.Subscribe(_ => loadedAtStart.TrySetResult()))
        {
            await monitorB.StartAsync(CancellationToken.None);
            await loadedAtStart.Task.WaitAsync(TimeSpan.FromSeconds(30)); // its own read at start is done: what follows comes by the signal
        }

        var admin = nodeA.Services.GetRequiredService<RemoteEngineAdmin>();

        var id = await admin.AddAsync(Actors.Admin, new RemoteEngineInput("GPU box", engine.BaseUrl, "openai", "sk-secret"));

        await Eventually.TrueAsync(() => enginesB.All.Any(e => e.Name == "GPU box"), "node B lists the engine added on node A");
        await admin.RemoveAsync(Actors.Admin, id);
        await Eventually.TrueAsync(() => enginesB.All.Count == 0, "node B drops the engine removed on node A");
        await monitorB.StopAsync(CancellationToken.None);
    }
}
