using Microsoft.AspNetCore.Identity;

namespace WebChat.Data.Entities;

/// <summary>A person who signs in; roles (Admin, User) come from Identity.</summary>
public class ApplicationUser : IdentityUser
{
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}
