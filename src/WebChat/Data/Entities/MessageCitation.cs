namespace WebChat.Data.Entities;

/// <summary>A numbered source of an answer: the passage as it was given to the model, kept even if the file is later deleted.</summary>
public class MessageCitation
{
    public Guid MessageId { get; set; }

    /// <summary>The [n] the answer refers to, from 1.</summary>
    public int Number { get; set; }
    public Guid DocumentId { get; set; }
    public required string FileName { get; set; }
    public int? Page { get; set; }
    public string? Heading { get; set; }
    public required string Text { get; set; }
}
