namespace WebChat.Services.Knowledge;

/// <summary>A knowledge action the person cannot do now (no access, limits, unknown collection); the message says why in their words.</summary>
public sealed class KnowledgeException(string message) : Exception(message);
