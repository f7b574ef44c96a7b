using WebChat.Data.Entities;
using WebChat.Engine.Catalog;

namespace WebChat.Services.Models;

/// <summary>An installed model as the Library shows it: the stored facts, the memory estimate and fit, and whether it is loaded.</summary>
public sealed record LibraryModel(
    string Id,
    string Name,
    string? Repo,
    string FileName,
    string? Quantization,
    long? ParameterCount,
    long SizeBytes,
    int? ContextLength,
    long? EstimatedBytes,
    FitVerdict? Fit,
    bool IsLoaded,
    ModelSource Source,
    DateTime InstalledAt,
    bool FileMissing,
    IReadOnlyList<string> Nodes);

/// <summary>A model whose file only other app nodes hold (several nodes on PostgreSQL): listed, not served here.</summary>
public sealed record ModelElsewhere(string Id, string Name, IReadOnlyList<string> Nodes);
