namespace WebChat.Services.Accounts;

/// <summary>
/// Serialises account creation in this process, so two people registering at once on an empty
/// database cannot both become Admin (the app is the database's only writer).
/// </summary>
internal sealed class RegistrationGate
{
    public SemaphoreSlim Lock { get; } = new(1, 1);
}
