using Microsoft.AspNetCore.Identity;

namespace WebChat.Data.Entities;

/// <summary>A person who signs in; roles (Admin, User) come from Identity.</summary>
public class ApplicationUser : IdentityUser
{
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

    /// <summary>Set while an admin has disabled the account: no sign-in, every session ends.</summary>
    public DateTime? DisabledAt { get; set; }

    /// <summary>Set when an admin deleted the account but kept its conversations: it can never sign in again.</summary>
    public DateTime? DeletedAt { get; set; }

    /// <summary>True after an admin reset the password: the user must choose a new one before anything else.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>
    /// Set while a new account waits for an admin's approval (registration "approval needed"): it cannot sign in
    /// until an admin approves it on Admin › Users; a rejected one is deleted.
    /// </summary>
    public DateTime? PendingApprovalSince { get; set; }

    public bool IsActive => DisabledAt is null && DeletedAt is null && PendingApprovalSince is null;
}
