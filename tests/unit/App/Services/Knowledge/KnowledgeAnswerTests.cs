using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;
using WebChat.Services.Quotas;
using WebChat.Tests.Unit.Engine.Inference;
using static WebChat.Tests.Unit.App.Services.Knowledge.KnowledgeTestHarness;

namespace WebChat.Tests.Unit.App.Services.Knowledge;

/// <summary>
/// The chat answering from knowledge, end to end on the real tiny model (random weights: the tests read the prompt the
/// engine was given and the citations stored, never the answer's words).
/// </summary>
[Collection(RealModelCollection.Name)]
public sealed class KnowledgeAnswerTests
{
    [Fact]
    public async Task A_file_attached_to_a_chat_goes_into_the_prompt_as_a_numbered_source_and_the_answer_keeps_its_citation()
    {
        await using var knowledge = await StartAsync();
        await using var chat = await ChatOnRealModelAsync(knowledge);
        var conversation = await knowledge.NewConversationAsync("alice");
        await knowledge.Conversations.AttachAsync(Alice, conversation, "notes.md", "# Parking\n\nVisitors park on level 3 of the north garage."u8.ToArray());
        await knowledge.IngestAllAsync();

        var generation = await chat.Generations.SendAsync("alice", conversation, "Where do visitors park?");
        await generation.Finished.WaitAsync(TimeSpan.FromSeconds(60));

        var question = chat.Engine.Requests.Single().Messages[^1];
        Assert.Equal(ChatRole.User, question.Role);
        Assert.Contains("[1] notes.md › Parking\n", question.Content, StringComparison.Ordinal);
        Assert.Contains("Visitors park on level 3 of the north garage.", question.Content, StringComparison.Ordinal);
        Assert.EndsWith("Question: Where do visitors park?", question.Content, StringComparison.Ordinal);

        var detail = await chat.Conversations.GetAsync("alice", conversation);
        var answer = detail.Messages[^1];
        Assert.Equal(MessageRole.Assistant, answer.Role);
        Assert.NotEqual(MessageStatus.Failed, answer.Status);
        var citation = Assert.Single(answer.Citations!);
        Assert.Equal((1, "notes.md › Parking"), (citation.Number, citation.Location));
        Assert.Null(detail.Messages[0].Citations);
        // The stored question is what the person wrote: sources are for the engine only.
        Assert.Equal("Where do visitors park?", detail.Messages[0].Content);

        var markdown = await chat.Transfer.ExportMarkdownAsync("alice", conversation);
        Assert.Contains("1. notes.md › Parking", markdown, StringComparison.Ordinal);
        var json = await chat.Transfer.ExportJsonAsync("alice", conversation);
        Assert.Contains("\"fileName\": \"notes.md\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chat_without_knowledge_sends_the_question_as_written_and_stores_no_citations()
    {
        await using var knowledge = await StartAsync();
        await using var chat = await ChatOnRealModelAsync(knowledge);
        var handbook = await knowledge.Service.CreateAsync(Alice, "handbook", CollectionScope.Private);
        await knowledge.Service.AddDocumentAsync(Alice, handbook.Id, "travel.md", "Trains are booked in second class."u8.ToArray());
        await knowledge.IngestAllAsync();
        var conversation = await knowledge.NewConversationAsync("bob");

        // Bob names Alice's private collection: it is not his to search.
        var generation = await chat.Generations.SendAsync("bob", conversation, "Which class for trains? #handbook");
        await generation.Finished.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("Which class for trains? #handbook", chat.Engine.Requests.Single().Messages[^1].Content);
        Assert.Null((await chat.Conversations.GetAsync("bob", conversation)).Messages[^1].Citations);
    }

    [Fact]
    public async Task Regenerating_an_answer_retrieves_again_and_keeps_only_the_new_answers_citations()
    {
        await using var knowledge = await StartAsync();
        await using var chat = await ChatOnRealModelAsync(knowledge);
        var handbook = await knowledge.Service.CreateAsync(Alice, "handbook", CollectionScope.Private);
        await knowledge.Service.AddDocumentAsync(Alice, handbook.Id, "travel.md", "Trains are booked in second class."u8.ToArray());
        await knowledge.IngestAllAsync();
        var conversation = await knowledge.NewConversationAsync("alice");

        await (await chat.Generations.SendAsync("alice", conversation, "Which class for trains? #handbook")).Finished.WaitAsync(TimeSpan.FromSeconds(60));
        await (await chat.Generations.RegenerateAsync("alice", conversation)).Finished.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(chat.Engine.Requests, r => Assert.Contains("[1] travel.md\n", r.Messages[^1].Content, StringComparison.Ordinal));
        var messages = (await chat.Conversations.GetAsync("alice", conversation)).Messages;
        Assert.Equal(2, messages.Count);
        Assert.Equal("travel.md", Assert.Single(messages[^1].Citations!).FileName);
        await using var db = await knowledge.Db.CreateDbContextAsync();
        Assert.Single(db.MessageCitations);
    }

    private static async Task<ChatOnRealModel> ChatOnRealModelAsync(KnowledgeTestHarness knowledge)
    {
        var engine = new RecordingEngine(RealModel.CreateEngine());
        await engine.LoadAsync(RealModel.Load(sequences: 1, context: 2048));
        return new ChatOnRealModel(knowledge, engine);
    }

    private sealed class ChatOnRealModel : IAsyncDisposable
    {
        public ChatOnRealModel(KnowledgeTestHarness knowledge, RecordingEngine engine)
        {
            Engine = engine;
            var options = Microsoft.Extensions.Options.Options.Create(new ChatOptions { DefaultMaxTokens = 8 });
            var registry = new GenerationRegistry();
            var runner = new GenerationRunner(knowledge.Db, engine, registry, new UsageWriter(knowledge.Db, knowledge.Time), options, knowledge.Time, NullLogger<GenerationRunner>.Instance);
            Generations = new GenerationService(knowledge.Db, runner, new SettingsService(knowledge.Db), engine, options, knowledge.Time,
                new QuotaService(knowledge.Db, knowledge.Time), knowledge: knowledge.Conversations);
            Conversations = new ConversationService(knowledge.Db, registry, vectors: knowledge.Vectors);
            Transfer = new ConversationTransfer(knowledge.Db, Conversations, options, knowledge.Time);
        }

        public RecordingEngine Engine { get; }
        public GenerationService Generations { get; }
        public ConversationService Conversations { get; }
        public ConversationTransfer Transfer { get; }

        public async ValueTask DisposeAsync() => await Engine.DisposeAsync();
    }

    /// <summary>The real engine, keeping each request it was given: what the model was actually prompted with.</summary>
    private sealed class RecordingEngine(IInferenceEngine inner) : IInferenceEngine, IAsyncDisposable
    {
        private readonly List<ChatRequest> requests = [];

        public IReadOnlyList<ChatRequest> Requests
        {
            get
            {
                lock (requests)
                {
                    return [.. requests];
                }
            }
        }

        public EngineStatus Status => inner.Status;

        public IDisposable Subscribe(Action<EngineStatus> onChange) => inner.Subscribe(onChange);

        public Task LoadAsync(ModelLoadOptions options, CancellationToken cancellationToken = default) => inner.LoadAsync(options, cancellationToken);

        public Task UnloadAsync(CancellationToken cancellationToken = default) => inner.UnloadAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

        public async IAsyncEnumerable<ChatUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            lock (requests)
            {
                requests.Add(request);
            }

            await foreach (var update in inner.StreamChatAsync(request, cancellationToken))
            {
                yield return update;
            }
        }
    }
}
