namespace WebChat.Services.Models;

/// <summary>What deleting a repository's models did: a problem in words (a refusal, or files that would not go), or how many files and rows went.</summary>
public sealed record ModelRemovalResult(string? Problem, int FilesRemoved, int RowsRemoved)
{
    public bool Removed => Problem is null;

    public static ModelRemovalResult Failed(string reason) => new(reason, 0, 0);
}
