using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Engine.Inference;
using WebChat.Services.Accounts;

namespace WebChat.Services.Chat;

/// <summary>How a model's memory estimate compares with this machine's memory.</summary>
public enum ModelFit
{
    Fits,
    Tight,
    TooLarge,
}

/// <summary>An installed model as the picker shows it.</summary>
public sealed record ModelChoice(string Id, string Name, long SizeBytes, string? Quantization, long EstimatedBytes, ModelFit Fit, bool IsLoaded);

/// <summary>
/// The model picker's data and its one action. The engine holds one model for everybody, so only admins
/// load (or switch) it; users chat with the loaded model and see the others greyed out.
/// </summary>
public sealed class ModelChoices(IDbContextFactory<WebChatDbContext> dbFactory, IInferenceEngine engine, IOptions<WebChatOptions> options)
{
    // Rough until the catalog's estimator is wired: weights + 10% + a 4k-token KV cache for a small model.
    private const long ContextAllowance = 512L * 1024 * 1024;

    public async Task<IReadOnlyList<ModelChoice>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.InstalledModels.AsNoTracking().OrderBy(m => m.FileName).ToListAsync(cancellationToken);
        var loadedPath = engine.Status.State is EngineState.Ready or EngineState.Loading ? engine.Status.ModelPath : null;
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return rows.Select(m =>
        {
            var estimate = (long)(m.SizeBytes * 1.1) + ContextAllowance;
            var path = PathOf(m.RelativePath);
            return new ModelChoice(
                m.Id,
                Path.GetFileNameWithoutExtension(m.FileName),
                m.SizeBytes,
                m.Quantization,
                estimate,
                FitOf(estimate, available),
                loadedPath is not null && string.Equals(Path.GetFullPath(loadedPath), path, StringComparison.Ordinal));
        }).ToList();
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
        await engine.LoadAsync(new ModelLoadOptions { ModelPath = PathOf(model.RelativePath) }, cancellationToken);
    }

    public static ModelFit FitOf(long estimate, long available) =>
        estimate <= available * 0.7 ? ModelFit.Fits : estimate <= available ? ModelFit.Tight : ModelFit.TooLarge;

    private string PathOf(string relativePath) => Path.GetFullPath(Path.Combine(options.Value.ModelsDirectory, relativePath));
}
