namespace WebChat.Services.Models;

/// <summary>An expected failure of a model action (download, import, load, delete); Message is written for a person.</summary>
public class ModelOperationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The person may not do this: downloads, imports, loads and deletes are for admins.</summary>
public sealed class ModelAccessDeniedException(string message) : ModelOperationException(message);

/// <summary>A file offered for import is missing, unreadable or not a GGUF model; nothing was recorded.</summary>
public sealed class ModelImportException(string message, Exception? inner = null) : ModelOperationException(message, inner);
