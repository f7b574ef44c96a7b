using WebChat.Engine.Catalog;

namespace WebChat.Services.Models;

/// <summary>An installed model as the chat's picker shows it; <see cref="Fit"/> is null when the file could not be read.</summary>
public sealed record ModelChoice(string Id, string Name, long SizeBytes, string? Quantization, long? EstimatedBytes, FitVerdict? Fit, bool IsLoaded, bool UserSelectable = false);
