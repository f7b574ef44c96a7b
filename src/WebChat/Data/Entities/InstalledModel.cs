namespace WebChat.Data.Entities;

/// <summary>A GGUF file in the models directory, downloaded from the Hub or imported.</summary>
public class InstalledModel
{
    /// <summary>Stable id: "owner/repo/file.gguf" for Hub models, "local/file.gguf" for imports.</summary>
    public required string Id { get; set; }
    public string? Repo { get; set; }
    public string? Revision { get; set; }
    public required string FileName { get; set; }

    /// <summary>Path relative to the models directory, so the data directory can move.</summary>
    public required string RelativePath { get; set; }
    public string? Sha256 { get; set; }
    public long SizeBytes { get; set; }
    public string? Architecture { get; set; }
    public long? ParameterCount { get; set; }
    public string? Quantization { get; set; }
    public int? ContextLength { get; set; }
    public ModelSource Source { get; set; }
    public DateTime InstalledAt { get; set; } = DateTime.UtcNow;

    /// <summary>The one name people see for this model (picker, stats, usage, storage); null: the file name without .gguf.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Whether non-admins may pick (and so load on demand) this model.</summary>
    public bool UserSelectable { get; set; }

    /// <summary>The tag the model wraps its reasoning in, without brackets ("think" when null).</summary>
    public string? ReasoningTag { get; set; }

    /// <summary>The nodes whose models folder holds the file.</summary>
    public List<ModelCopy> Copies { get; set; } = [];
}

/// <summary>How a model got into the models directory; stored as text.</summary>
public enum ModelSource
{
    Hub,
    Import,
}
