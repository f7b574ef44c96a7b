namespace WebChat.Services.Models;

/// <summary>The "WebChat:StarterModel" section: the model the first-run card offers to download.</summary>
public sealed class StarterModelOptions
{
    public const string SectionName = "WebChat:StarterModel";

    /// <summary>Hub repository, owner/name; empty hides the download button of the first-run card.</summary>
    public string Repo { get; set; } = "Qwen/Qwen2.5-0.5B-Instruct-GGUF";

    /// <summary>GGUF file in that repository.</summary>
    public string File { get; set; } = "qwen2.5-0.5b-instruct-q4_k_m.gguf";

    /// <summary>Branch, tag or commit of that repository to download from.</summary>
    public string Revision { get; set; } = "main";
}
