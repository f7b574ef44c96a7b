using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Services.Chat;
using WebChat.Services.Markdown;

namespace WebChat.Extensions;

internal static class ChatExtensions
{
    /// <summary>The chat: conversations, generations (singletons: answers outlive the page that asked), Markdown, settings. The models they offer come from AddWebChatModels.</summary>
    public static IHostApplicationBuilder AddWebChatChat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatOptions>()
            .Bind(builder.Configuration.GetSection(ChatOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IMarkdownRenderer>(sp =>
            new SafeMarkdownRenderer(sp.GetRequiredService<IOptions<SecurityOptions>>().Value.AllowedImageHosts));
        builder.Services.AddSingleton<GenerationRegistry>();
        // Disabling or deleting an account stops its answers (chat and API) at once.
        builder.Services.AddHostedService<Services.Accounts.AccountAnswerStops>();
        builder.Services.AddSingleton<GenerationRunner>();
        builder.Services.AddSingleton<GenerationService>();
        builder.Services.AddSingleton<UsageWriter>();
        builder.Services.AddSingleton<ConversationService>();
        builder.Services.AddSingleton<ConversationTransfer>();
        builder.Services.AddSingleton<SettingsService>();
        builder.Services.AddSingleton<EngineShares>();
        // The chat page and the API share one quota (its minute window and running counts live in this instance).
        builder.Services.AddSingleton<Services.Quotas.QuotaService>();
        builder.Services.AddSingleton<ReasoningTags>();
        return builder;
    }
}
