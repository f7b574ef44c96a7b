namespace WebChat.Components.Chat;

/// <summary>A file attached to the chat as the knowledge bar shows it: its name and where its reading is, in words.</summary>
public sealed record AttachmentState(Guid Id, string FileName, string State, bool Failed, bool Ready);
