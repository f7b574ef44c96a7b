namespace WebChat.Data.Entities;

/// <summary>What an admin set for a model served by remote engines (by the engines' model id): its name and whether users may pick it.</summary>
public class RemoteModelSetting
{
    /// <summary>The model id the engines list at /v1/models; the same id on several engines is one model with replicas.</summary>
    public required string ModelName { get; set; }
    public string? DisplayName { get; set; }
    public bool UserSelectable { get; set; }
}
