using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebChat.Data;
using WebChat.Engine.Inference.Native;
using WebChat.Engine.Storage;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Search;
using WebChat.Services.Serving.Engines;

namespace WebChat.Extensions;

internal static class KnowledgeExtensions
{
    /// <summary>Documents and collections: the embedded default embedder, the vector cache, search, background ingestion.</summary>
    public static IHostApplicationBuilder AddWebChatKnowledge(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KnowledgeOptions>()
            .Bind(builder.Configuration.GetSection(KnowledgeOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ITextEmbedder, MiniLmEmbedder>();
        // GGUF models of the Library and remote engines' models, by name; each GGUF one is loaded on first use and
        // freed when the container is disposed (shutdown).
        builder.Services.AddSingleton(sp => new GgufEmbedderSource(
            sp.GetRequiredService<IDbContextFactory<WebChatDbContext>>(),
            relative => Path.GetFullPath(Path.Combine(sp.GetRequiredService<ModelStore>().Root, relative)),
            sp.GetService<NativeLibrarySelection>()));
        builder.Services.AddSingleton<IEmbedderSource>(sp => sp.GetRequiredService<GgufEmbedderSource>());
        builder.Services.AddSingleton<IEmbedderSource>(sp => new RemoteEmbedderSource(() => sp.GetService<RemoteEngines>()?.All ?? []));
        builder.Services.AddSingleton<EmbedderCatalog>();
        builder.Services.TryAddSingleton<VectorIndex>(); // also registered by the accounts (see AddWebChatAccounts)
        builder.Services.AddSingleton<KnowledgeSearch>();
        builder.Services.AddSingleton<KnowledgeIngestor>();
        builder.Services.AddSingleton<IngestionQueue>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestionQueue>());
        builder.Services.AddSingleton<KnowledgeReindexer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KnowledgeReindexer>());
        builder.Services.AddSingleton<KnowledgeService>();
        builder.Services.AddSingleton<EmbeddingUsageWriter>();
        builder.Services.AddSingleton<ConversationKnowledge>();
        builder.Services.AddSingleton<KnowledgeStorage>();
        return builder;
    }
}
