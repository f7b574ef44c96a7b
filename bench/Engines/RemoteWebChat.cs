using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Bench.Chat;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Bench.Engines;

/// <summary>
/// The real app with no in-process engine (`Engines:Local:Enabled=false`) and the given llama-servers as its remote
/// engines, configured as an operator would (`Engines:Remote:N:*`); an API key, and the id under which /v1/models
/// lists the servers' model.
/// </summary>
internal sealed class RemoteWebChat : IAsyncDisposable
{
    private readonly string _data;

    private RemoteWebChat(BenchApp app, string data, string key, string modelId)
    {
        App = app;
        _data = data;
        Key = key;
        ModelId = modelId;
    }

    public BenchApp App { get; }
    public string Key { get; }
    public string ModelId { get; }
    public Uri V1 => new(App.BaseAddress, "v1/");

    public static async Task<RemoteWebChat> StartAsync(IReadOnlyList<LlamaServer> servers, int maxTokens)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Engines:Local:Enabled"] = "false",
            ["WebChat:Chat:DefaultMaxTokens"] = maxTokens.ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < servers.Count; i++)
        {
            settings[$"Engines:Remote:{i}:Name"] = $"llama-{(char)('a' + i)}";
            settings[$"Engines:Remote:{i}:BaseUrl"] = new Uri(servers[i].BaseAddress, "v1").ToString();
            settings[$"Engines:Remote:{i}:Kind"] = "llama-server";
        }

        var data = Path.Combine(Path.GetTempPath(), "webchat-bench-engines-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var app = BenchApp.Start(data, engine: null, settings);
        try
        {
            // The admin's choice on Admin › Engines: the remote model is offered to users (the API key's and the pages' accounts).
            await using (var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
            {
                db.RemoteModelSettings.Add(new RemoteModelSetting { ModelName = servers[0].Alias, UserSelectable = true });
                await db.SaveChangesAsync();
            }

            var key = await BenchApiKeys.CreateAsync(app, "api@bench.test");
            var modelId = await ListedModelAsync(new Uri(app.BaseAddress, "v1/"), key, servers[0].Alias, TimeSpan.FromSeconds(60));
            return new RemoteWebChat(app, data, key, modelId);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until /v1/models lists the remote model (the engines' models are read in the background).</summary>
    private static async Task<string> ListedModelAsync(Uri v1, string key, string alias, TimeSpan timeout)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var clock = Stopwatch.StartNew();
        var seen = "";
        while (clock.Elapsed < timeout)
        {
            using var response = await http.GetAsync(new Uri(v1, "models"));
            seen = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && JsonNode.Parse(seen)?["data"] is JsonArray models)
            {
                var ids = models.Select(m => (string?)m?["id"]).OfType<string>().ToArray();
                var id = ids.FirstOrDefault(id => id == alias) ?? ids.FirstOrDefault(id => id.EndsWith("/" + alias, StringComparison.Ordinal))
                    ?? ids.FirstOrDefault(id => id.Contains(alias, StringComparison.Ordinal));
                if (id is not null)
                {
                    return id;
                }
            }

            await Task.Delay(500);
        }

        throw new InvalidOperationException($"WebChat's /v1/models did not list the remote model '{alias}' within {timeout.TotalSeconds:0} s; it answered: {seen}");
    }

    /// <summary>A new account's chat page with the remote model chosen in the picker (when the picker offers a choice).</summary>
    public async Task<IPage> OpenChatAsync(IBrowser browser, string email, string alias)
    {
        var page = await BrowserAccounts.RegisterAsync(browser, App.BaseAddress, email, TimeSpan.FromMinutes(2));
        var select = page.GetByTestId("model-select");
        if (await select.CountAsync() > 0 && !(await select.InnerTextAsync()).Contains(alias, StringComparison.Ordinal))
        {
            await select.ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = alias }).First.ClickAsync();
        }

        return page;
    }

    /// <summary>
    /// The last answer as WebChat itself timed it (stored with the message): its request to the engine → first token,
    /// and tokens/s from the first to the last token it received; what the page adds on top is the page's share.
    /// </summary>
    public async Task<WebChatView> LastAnswerAsync()
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        var last = await db.Messages.AsNoTracking().Where(m => m.Role == MessageRole.Assistant).OrderByDescending(m => m.CreatedAt).FirstAsync();
        return new WebChatView(last.TimeToFirstTokenMs ?? 0, last.TokensPerSecond ?? 0);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One answer as WebChat's own remote client timed it (request to the engine → first token; received tokens/s).</summary>
internal sealed record WebChatView(double FirstTokenMs, double TokensPerSecond);
