using WebChat.Data.Entities;

namespace WebChat.Services.Models;

/// <summary>The one name of an installed model, everywhere: the admin's name, else the file name without ".gguf".</summary>
public static class ModelDisplayName
{
    public const int MaxLength = 128;

    public static string Of(InstalledModel model) =>
        string.IsNullOrWhiteSpace(model.DisplayName) ? Path.GetFileNameWithoutExtension(model.FileName) : model.DisplayName;
}
