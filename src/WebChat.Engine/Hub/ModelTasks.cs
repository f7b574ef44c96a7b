namespace WebChat.Engine.Hub;

/// <summary>Decides whether a model suits a task from its pipeline tag, tags and name (the Hub has no single field for it).</summary>
public static class ModelTasks
{
    public static bool Matches(HubModelInfo model, ModelTask task)
    {
        var name = model.Id.ToLowerInvariant();
        var tags = model.Tags ?? [];
        bool Tag(string t) => tags.Contains(t, StringComparer.OrdinalIgnoreCase);
        bool Name(params string[] parts) => parts.Any(p => name.Contains(p, StringComparison.Ordinal));
        return task switch
        {
            ModelTask.Chat => Tag("conversational") || Tag("chat") || Name("chat", "instruct", "-it"),
            ModelTask.Instruct => Tag("instruct") || Name("instruct", "-it"),
            ModelTask.Code => Tag("code") || Name("code", "coder"),
            ModelTask.Vision => model.PipelineTag is "image-text-to-text" or "image-to-text" || Tag("vision") || Tag("multimodal") || Name("-vl", "vision", "llava"),
            ModelTask.Embedding => model.PipelineTag is "feature-extraction" or "sentence-similarity" || Tag("embeddings") || Name("embed"),
            _ => false,
        };
    }
}
