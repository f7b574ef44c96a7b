namespace WebChat.Services.Accounts;

/// <summary>Who may create an account after the first (the administrator), chosen on Admin › Users.</summary>
public enum RegistrationMode
{
    /// <summary>Anyone who can reach the server creates an account and signs in at once.</summary>
    Open,

    /// <summary>Anyone may register, but the account cannot sign in until an admin approves it.</summary>
    ApprovalNeeded,

    /// <summary>Nobody registers; an admin creates accounts or opens registration.</summary>
    Closed,
}
