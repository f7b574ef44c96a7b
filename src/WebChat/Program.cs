using Microsoft.Extensions.Options;
using WebChat.Cli;
using WebChat.Extensions;

RunWithoutTiering.ReexecIfNeeded(args);
return await WebChatCli.RunAsync(args, ServeAsync);

static async Task<int> ServeAsync(string[] args)
{
    var builder = WebApplication.CreateBuilder(HostingExtensions.WebChatHostOptions(args));
    // Static web assets (wwwroot at the repository root) are served from the build output in every environment.
    builder.WebHost.UseStaticWebAssets();
    builder.AddWebChatOptions();
    builder.AddWebChatData();
    builder.AddWebChatAccounts();
    builder.AddWebChatEngine();
    builder.AddWebChatNativeLibrary();
    builder.AddWebChatModels();
    builder.AddWebChatChat();
    builder.AddWebChatKnowledge();
    builder.AddWebChatModelServing();
    builder.AddWebChatAdmin();
    builder.AddWebChatApi();
    builder.AddWebChatUi();

    // Disposed on the way out, so the console logger writes its queue (a start-up failure's line) before the exit.
    await using var app = builder.Build();
    try
    {
        await app.MigrateWebChatDatabaseAsync();
        app.UseWebChatPipeline();
        await app.RunAsync();
        return 0;
    }
    catch (OptionsValidationException e)
    {
        // A setting that cannot work (a folder, the starter model, inference limits) stops the start with its name.
        app.Logger.LogCritical("WebChat cannot start: {Reasons}", string.Join(" ", e.Failures));
        return 1;
    }
    catch (WebChat.Data.DatabaseUnavailableException e)
    {
        app.Logger.LogCritical("WebChat cannot start: {Reason}", e.Message);
        return 1;
    }
}

public partial class Program;
