namespace WebChat.Services.Knowledge.Parsing;

/// <summary>A file that cannot be read into knowledge (encrypted, corrupt, too large, expands too far, unknown type); the message is for the person who sent it.</summary>
public sealed class DocumentRejectedException(string message, Exception? inner = null) : Exception(message, inner);
