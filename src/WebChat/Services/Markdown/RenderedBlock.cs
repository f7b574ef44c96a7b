namespace WebChat.Services.Markdown;

/// <summary>One finished top-level Markdown block rendered to HTML once; its identity never changes.</summary>
public sealed record RenderedBlock(int Index, string Html);
