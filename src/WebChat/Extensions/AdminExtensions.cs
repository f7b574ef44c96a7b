using Microsoft.Extensions.DependencyInjection.Extensions;
using WebChat.Services.Admin;

namespace WebChat.Extensions;

internal static class AdminExtensions
{
    /// <summary>The admin pages' services: storage report, partial-file cleanup, usage statistics (deleting models is the ModelLibrary's).</summary>
    public static IHostApplicationBuilder AddWebChatAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StorageReader>();
        builder.Services.AddSingleton<PartialFileCleanup>();
        builder.Services.AddSingleton<UsageStatistics>();
        builder.Services.AddSingleton<UsageTrends>();
        return builder;
    }
}
