using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Engine.Catalog;
using WebChat.Engine.Gguf;
using WebChat.Engine.Inference;
using WebChat.Services.Accounts;

namespace WebChat.Services.Chat;

/// <summary>An installed model as the picker shows it; <see cref="Fit"/> is null when the file could not be read.</summary>
public sealed record ModelChoice(string Id, string Name, long SizeBytes, string? Quantization, long? EstimatedBytes, FitVerdict? Fit, bool IsLoaded, bool UserSelectable = false);

/// <summary>
/// The model picker's data and its one action. The engine holds one model for everybody, so only admins
/// load (or switch) it; users chat with the loaded model and see the others with their size and fit.
/// </summary>
public sealed class ModelChoices(
    IDbContextFactory<WebChatDbContext> dbFactory,
    IInferenceEngine engine,
    IOptions<WebChatOptions> options,
    IMachineMemoryReader? memory = null)
{
    // Header reads are cheap but not free: one per file version.
    private readonly ConcurrentDictionary<(string Path, long Size), ModelDescriptor?> _descriptors = new();

    /// <summary>What the picker loads: the engine's defaults for context and parallel sequences.</summary>
    public static ModelLoadOptions LoadOptionsFor(string path) => new() { ModelPath = path };

    public async Task<IReadOnlyList<ModelChoice>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.InstalledModels.AsNoTracking().OrderBy(m => m.FileName).ToListAsync(cancellationToken);
        var status = engine.Status;
        var loadedPath = status.State is EngineState.Ready or EngineState.Loading && status.ModelPath is not null
            ? Path.GetFullPath(status.ModelPath)
            : null;
        var machine = memory?.Read();
        var choices = new List<ModelChoice>(rows.Count);
        foreach (var row in rows)
        {
            var path = PathOf(row.RelativePath);
            var descriptor = await DescribeAsync(path, row.SizeBytes, cancellationToken);
            var estimate = descriptor is null ? null : MemoryEstimator.Estimate(descriptor, LoadOptionsFor(path));
            choices.Add(new ModelChoice(
                row.Id,
                Models.ModelDisplayName.Of(row),
                row.SizeBytes,
                row.Quantization ?? descriptor?.Quantization,
                estimate?.TotalBytes,
                estimate is not null && machine is not null ? MemoryEstimator.Fit(estimate, machine) : null,
                string.Equals(loadedPath, path, StringComparison.Ordinal),
                row.UserSelectable));
        }

        return choices;
    }

    /// <summary>Loads an installed model into the engine; admins only.</summary>
    public async Task LoadAsync(ClaimsPrincipal user, string modelId, CancellationToken cancellationToken = default)
    {
        if (!user.IsInRole(Roles.Admin))
        {
            throw new InvalidChatOperationException("Only an admin can load a model.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = await db.InstalledModels.AsNoTracking().SingleOrDefaultAsync(m => m.Id == modelId, cancellationToken)
            ?? throw new InvalidChatOperationException("That model is not installed any more.");
        await Models.EngineIdle.WaitAsync(engine, Models.EngineIdle.MaxWait, cancellationToken);
        await engine.LoadAsync(Models.ModelLoadPlan.For(model, options.Value.ModelsDirectory), cancellationToken);
    }

    private async Task<ModelDescriptor?> DescribeAsync(string path, long size, CancellationToken cancellationToken)
    {
        if (_descriptors.TryGetValue((path, size), out var known))
        {
            return known;
        }

        ModelDescriptor? descriptor;
        try
        {
            descriptor = await ModelDescriptors.FromFileAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or GgufFormatException or UnauthorizedAccessException)
        {
            descriptor = null; // A missing or broken file shows without an estimate; loading it says why.
        }

        return _descriptors[(path, size)] = descriptor;
    }

    private string PathOf(string relativePath) => Path.GetFullPath(Path.Combine(options.Value.ModelsDirectory, relativePath));
}
