using WebChat.Data.Entities;
using WebChat.Engine.Inference;

namespace WebChat.Services.Models;

/// <summary>How an installed model is loaded: the picker's settings plus the model's one display name.</summary>
public static class ModelLoadPlan
{
    public static ModelLoadOptions For(InstalledModel model, string modelsDirectory) =>
        ModelLibrary.LoadOptionsFor(PathOf(model, modelsDirectory)) with { DisplayName = ModelDisplayName.Of(model) };

    public static string PathOf(InstalledModel model, string modelsDirectory) =>
        Path.GetFullPath(Path.Combine(modelsDirectory, model.RelativePath));
}
