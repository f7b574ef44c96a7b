namespace WebChat.Engine;

/// <summary>Identifies the engine assembly; later issues fill the folders beside it.</summary>
public static class EngineInfo
{
    /// <summary>The product name shown in logs and the command line.</summary>
    public const string ProductName = "WebChat";
}
