namespace WebChat.Services.Chat;

/// <summary>The preset an answer is written with, if any: its name goes into the usage record, its base model gets loaded.</summary>
public sealed partial class ActiveGeneration
{
    public string? PresetName { get; internal set; }

    /// <summary>The InstalledModel.Id the preset runs on; null without a preset.</summary>
    public string? PresetModelId { get; internal set; }

    /// <summary>The remote engines' model id this answer is written by; null when the in-process engine writes it.</summary>
    public string? RemoteModel { get; internal set; }
}
