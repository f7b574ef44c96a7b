using System.Net;
using Microsoft.Playwright;
using Npgsql;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.Processes;
using WebChat.Tests.Support.FakeEngine;
using WebChat.Tests.Support.Postgres;
using WebChat.Tests.Support.Network;

namespace WebChat.Tests.E2E.Nodes;

/// <summary>
/// A throwaway PostgreSQL, two WebChat nodes on it as real processes (so one can be killed with SIGKILL), one shared
/// remote engine (the fake OpenAI server: both nodes reach the same model), real nginx in front, and Chromium talking
/// only to nginx. Each page is kept on a node by nginx's routing cookie. Shared by the tests of one class: they run one
/// after another, and each leaves both nodes running.
/// </summary>
public sealed class TwoNodeFixture : IAsyncLifetime
{
    public const string Model = "fake-model";

    private readonly int[] ports = [LoopbackPort.Free(), LoopbackPort.Free()];
    private readonly AppProcess?[] nodes = new AppProcess?[2];
    private IPlaywright? playwright;

    /// <summary>Why these tests cannot run here (no PostgreSQL server binaries, no nginx), or null.</summary>
    public static string? SkipReason => PostgresCluster.SkipReason ?? Nginx.SkipReason;

    public PostgresCluster Cluster { get; private set; } = null!;

    public string Database { get; private set; } = "";

    public FakeOpenAiEngine Engine { get; private set; } = null!;

    public Nginx Nginx { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The admin (the first account, registered through nginx on node 2).</summary>
    public string AdminEmail { get; } = WebChatAppFixture.UniqueEmail("admin");

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        Cluster = await PostgresCluster.StartAsync();
        Database = await Cluster.CreateDatabaseAsync();
        Engine = await FakeOpenAiEngine.StartAsync();
        Engine.Tokens = ["Once", .. Enumerable.Range(1, 30).Select(i => $" upon{i}")];
        // One after the other: the first applies the migrations.
        await StartNodeAsync(1);
        await StartNodeAsync(2);
        await OfferModelToUsersAsync();
        Nginx = await Nginx.StartAsync(Address(1), Address(2));
        Assertions.SetDefaultExpectTimeout(30_000);
        playwright = await Playwright.CreateAsync();
        Browser = await BrowserLauncher.LaunchAsync(playwright);
        var admin = await NewPageAsync(node: 2);
        try
        {
            await RegisterAdminAsync(admin);
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException(
                $"Registering the admin through nginx failed at {admin.Url}:\n{await admin.ContentAsync()}\nnginx: {Nginx.ErrorLog}\nnode 2: {nodes[1]!.Output}", e);
        }

        await admin.Context.CloseAsync();
    }

    // Behind a balancer nobody is "on the server itself": the first account comes through node 2's setup link, which it
    // wrote to its console as it started.
    private async Task RegisterAdminAsync(IPage page)
    {
        var setup = System.Text.RegularExpressions.Regex.Match(nodes[1]!.Output, @"/Account/Register\?setup=([A-Za-z0-9_-]+)");
        Assert.True(setup.Success, "node 2 wrote its setup link");
        await page.GotoAsync($"Account/Register?setup={setup.Groups[1].Value}");
        await page.GetByLabel("Email").FillAsync(AdminEmail);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebChatAppFixture.Password);
        await page.GetByLabel("Confirm password").FillAsync(WebChatAppFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await page.WaitForURLAsync("**/chat");
    }

    /// <summary>A page in a fresh browser context, talking to nginx, which keeps it on <paramref name="node"/> while that node lives.</summary>
    public async Task<IPage> NewPageAsync(int node)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Nginx.BaseAddress.ToString() });
        context.SetDefaultTimeout(60_000);
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = Nginx.NodeCookie, Value = node.ToString(System.Globalization.CultureInfo.InvariantCulture), Domain = "127.0.0.1", Path = "/" }]);
        return await context.NewPageAsync();
    }

    /// <summary>The node's own address, behind nginx.</summary>
    public Uri Address(int node) => new($"http://127.0.0.1:{ports[node - 1]}/");

    /// <summary>What the node wrote to its console so far (for a failure's message).</summary>
    public string OutputOf(int node) => nodes[node - 1]?.Output ?? "";

    /// <summary>Kills node 1 or 2 with SIGKILL.</summary>
    public Task KillAsync(int node) => nodes[node - 1]!.KillAsync();

    /// <summary>Starts the node again on its port (after <see cref="KillAsync"/>), on the same database.</summary>
    public async Task StartNodeAsync(int node)
    {
        if (nodes[node - 1] is { } old)
        {
            await old.DisposeAsync();
        }

        (nodes[node - 1], _) = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = Address(node).ToString().TrimEnd('/'),
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:WebChat"] = Database,
            ["WebChat:NodeName"] = $"node-{node}", // both run on this machine, whose name would otherwise be both nodes'
            ["Engines:Local:Enabled"] = "false",
            ["Engines:Remote:0:Name"] = "shared",
            ["Engines:Remote:0:BaseUrl"] = Engine.BaseUrl,
            // Each check tells open chat pages to re-read their models: often, so some fall while the database is away.
            ["Engines:HealthInterval"] = "00:00:01",
            // Every browser comes from 127.0.0.1 through nginx.
            ["WebChat:Security:AccountsPerAddressPerHour"] = "0",
        });
    }

    /// <summary>Runs SQL on the shared database (arranging what an admin page would, e.g. a quota).</summary>
    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Database + ";Pooling=false"); // a pooled one would outlive a restart of the server
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Reads one value from the shared database.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Database + ";Pooling=false"); // a pooled one would outlive a restart of the server
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        foreach (var node in nodes)
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        if (Engine is not null)
        {
            await Engine.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }

    // An admin's choice on the Library page: the shared engine's model is offered to users.
    private Task OfferModelToUsersAsync() => ExecuteAsync(
        "INSERT INTO \"RemoteModelSettings\" (\"ModelName\", \"UserSelectable\") VALUES (@model, true)", ("model", Model));

}

/// <summary>A Fact that skips itself, with the reason, where PostgreSQL's server binaries or nginx are not installed.</summary>
public sealed class TwoNodeFactAttribute : FactAttribute
{
    public TwoNodeFactAttribute()
    {
        if (TwoNodeFixture.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
