namespace WebChat.Data;

/// <summary>The configured database cannot be reached or opened at start; the message names the setting to check.</summary>
public sealed class DatabaseUnavailableException(string message, Exception innerException) : Exception(message, innerException);
