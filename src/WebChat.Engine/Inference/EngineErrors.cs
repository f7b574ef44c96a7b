namespace WebChat.Engine.Inference;

/// <summary>Base of the engine's expected failures; Message is written for a person.</summary>
public class EngineException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>No model is loaded (or it failed to load) when a request arrives.</summary>
public sealed class ModelNotReadyException(string message) : EngineException(message);

/// <summary>Every sequence is busy and the waiting queue is full.</summary>
public sealed class EngineBusyException(int queueLength)
    : EngineException($"The server is busy: {queueLength} requests are already waiting. Try again in a moment.")
{
    public int QueueLength { get; } = queueLength;
}

/// <summary>The user already has as many requests generating and waiting as their share allows.</summary>
public sealed class UserBusyException(int limit)
    : EngineException($"You already have {limit} answers being written or waiting, your limit. Wait for one to finish, or stop one, and try again.")
{
    public int Limit { get; } = limit;
}

/// <summary>The memory estimate says the model cannot be loaded on this machine.</summary>
public sealed class ModelTooLargeException(string message) : EngineException(message);

/// <summary>The model's chat template is unknown or unusable.</summary>
public sealed class ChatTemplateException(string message, Exception? inner = null) : EngineException(message, inner);

/// <summary>The file could not be loaded as a model (not a GGUF, unsupported architecture, I/O error).</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : EngineException(message, inner);
