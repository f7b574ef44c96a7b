namespace WebChat.Configuration;

/// <summary>The "WebChat" section of appsettings.json: where data lives and who may register.</summary>
public sealed class WebChatOptions
{
    public const string SectionName = "WebChat";

    /// <summary>Folder for the database and models; empty means WEBCHAT_DATA_DIR or the platform's default.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Folder for GGUF files; empty means &lt;DataDirectory&gt;/models.</summary>
    public string ModelsDirectory { get; set; } = "";

    /// <summary>SQLite database file; empty means &lt;DataDirectory&gt;/webchat.db.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>
    /// This node's name among several app nodes on one PostgreSQL database: each node serves the model files in its
    /// own models folder, and the Library says which node holds which; empty means the machine's host name.
    /// </summary>
    public string NodeName { get; set; } = "";

    /// <summary>Whether people may create accounts themselves; an admin can change it at run time.</summary>
    public bool AllowRegistration { get; set; } = true;

    /// <summary>
    /// With registration allowed, whether a new account waits for an admin's approval (on Admin › Users) before it can
    /// sign in; an admin can change it at run time.
    /// </summary>
    public bool RegistrationNeedsApproval { get; set; }
}
