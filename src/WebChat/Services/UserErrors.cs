using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using WebChat.Services.Chat;
using WebChat.Services.Models;

namespace WebChat.Services;

/// <summary>
/// The one list of failures a page shows as words: the ones a person can cause or fix (a refusal, a bad file, the Hub
/// down, a model that does not load). Their messages are written for people; anything else is a bug and is not caught.
/// </summary>
public static class UserErrors
{
    public static bool IsExpected(Exception error) =>
        error is ChatException or ModelOperationException or EngineException or HubException or DownloadException or StorageException
            or Knowledge.KnowledgeException;

    /// <summary>Runs the action; an expected failure comes back (its Message is the words to show), success as null.</summary>
    public static async Task<Exception?> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception error) when (IsExpected(error))
        {
            return error;
        }
    }
}
