using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebChat.Extensions;
using WebChat.Tests.Unit.App.Data;

namespace WebChat.Tests.Unit.App;

/// <summary>The app's options, database and account services on a real SQLite file in a temporary folder, without HTTP.</summary>
internal sealed class AppServicesHost : IAsyncDisposable
{
    private readonly IHost host;

    private AppServicesHost(IHost host, string dataDirectory)
    {
        this.host = host;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public IServiceProvider Services => host.Services;

    public static Task<AppServicesHost> StartAsync(params (string Key, string Value)[] settings) => StartAsync(null, settings);

    /// <summary>Like <see cref="StartAsync(ValueTuple{string, string}[])"/>, on <paramref name="provider"/>'s database.</summary>
    public static Task<AppServicesHost> StartAsync(DataProvider provider, params (string Key, string Value)[] settings) => StartAsync(provider, null, settings);

    /// <summary>Like <see cref="StartAsync(Action{IHostApplicationBuilder}, ValueTuple{string, string}[])"/>, on <paramref name="provider"/>'s database.</summary>
    public static async Task<AppServicesHost> StartAsync(DataProvider provider, Action<IHostApplicationBuilder>? configure, params (string Key, string Value)[] settings) =>
        await StartAsync(configure, [.. settings, .. await DataProviders.SettingsAsync(provider)]);

    /// <summary>Like <see cref="StartAsync(ValueTuple{string, string}[])"/>, with more of the app's registrations (e.g. AddWebChatModels).</summary>
    public static async Task<AppServicesHost> StartAsync(Action<IHostApplicationBuilder>? configure, params (string Key, string Value)[] settings)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "webchat-unit-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(
            settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))
                .Prepend(KeyValuePair.Create("WebChat:DataDirectory", (string?)dataDirectory)));
        builder.AddWebChatOptions();
        builder.AddWebChatData();
        builder.AddWebChatAccounts();
        configure?.Invoke(builder);
        var host = builder.Build();
        await host.MigrateWebChatDatabaseAsync();
        return new AppServicesHost(host, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        // Async: the download manager (registered with the models) only disposes asynchronously.
        if (host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }

        SqliteConnection.ClearAllPools();
        await Task.Yield();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
