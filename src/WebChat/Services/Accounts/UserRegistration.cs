using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Accounts;

/// <summary>The outcome of a registration: the new user and role, or the reasons it was refused.</summary>
public sealed record RegistrationResult(ApplicationUser? User, string? Role, IReadOnlyList<string> Errors)
{
    public bool Succeeded => User is not null;

    public static RegistrationResult Refused(params string[] errors) => new(null, null, errors);
}

/// <summary>Creates accounts: the first one becomes Admin, every later one User, and only while registration is open.</summary>
internal sealed class UserRegistration(
    UserManager<ApplicationUser> userManager,
    WebChatDbContext db,
    RegistrationPolicy policy,
    RegistrationGate gate,
    ILogger<UserRegistration> logger)
{
    /// <summary>Said for an e-mail that is taken, without saying so: registration must not confirm who has an account.</summary>
    public const string NotCreatedMessage = "This account could not be created. If you registered before, log in or ask an administrator to reset your password.";

    public const string ClosedMessage = "Registration is closed. Ask an administrator to create an account or to open registration.";

    /// <summary>Registers from inside the server (setup, tests): allowed to create the first account.</summary>
    public Task<RegistrationResult> RegisterAsync(string email, string password, CancellationToken cancellationToken = default) =>
        RegisterAsync(email, password, mayCreateFirst: true, cancellationToken);

    /// <summary>Registers from a request; <paramref name="mayCreateFirst"/> comes from <see cref="FirstAdminSetup.MayCreateFirst"/>.</summary>
    public async Task<RegistrationResult> RegisterAsync(string email, string password, bool mayCreateFirst, CancellationToken cancellationToken = default)
    {
        await gate.Lock.WaitAsync(cancellationToken);
        try
        {
            var isFirst = !await db.Users.AnyAsync(cancellationToken);
            if (isFirst && !mayCreateFirst)
            {
                return RegistrationResult.Refused(FirstAdminSetup.HowToMessage);
            }

            if (!isFirst && !await policy.IsOpenAsync(cancellationToken))
            {
                return RegistrationResult.Refused(ClosedMessage);
            }

            return await CreateAsync(email, password, isFirst ? Roles.Admin : Roles.User, cancellationToken);
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    private async Task<RegistrationResult> CreateAsync(string email, string password, string role, CancellationToken cancellationToken)
    {
        // One transaction: a user without a role must never be left behind.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = new ApplicationUser { UserName = email, Email = email };
        var created = await userManager.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return RegistrationResult.Refused(Describe(created.Errors));
        }

        var roleAdded = await userManager.AddToRoleAsync(user, role);
        if (!roleAdded.Succeeded)
        {
            return RegistrationResult.Refused(roleAdded.Errors.Select(e => e.Description).ToArray());
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Account {UserId} created with role {Role}", user.Id, role);
        return new RegistrationResult(user, role, []);
    }

    private static string[] Describe(IEnumerable<IdentityError> errors)
    {
        var describer = new IdentityErrorDescriber();
        string[] revealing = [describer.DuplicateEmail("").Code, describer.DuplicateUserName("").Code];
        return errors.Select(e => revealing.Contains(e.Code) ? NotCreatedMessage : e.Description).Distinct().ToArray();
    }
}
