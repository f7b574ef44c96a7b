using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Security;

namespace WebChat.Services.Accounts;

/// <summary>
/// The outcome of a registration: the new user and role (waiting for an admin's approval when
/// <paramref name="PendingApproval"/>), or the reasons it was refused.
/// </summary>
public sealed record RegistrationResult(ApplicationUser? User, string? Role, IReadOnlyList<string> Errors, bool PendingApproval = false)
{
    public bool Succeeded => User is not null;

    public static RegistrationResult Refused(params string[] errors) => new(null, null, errors);
}

/// <summary>
/// Creates accounts: the first one becomes Admin, every later one User, only while registration is not closed, and
/// waiting for an admin's approval when the mode says so. A request's client address may create only so many an hour.
/// </summary>
internal sealed class UserRegistration(
    UserManager<ApplicationUser> userManager,
    WebChatDbContext db,
    RegistrationPolicy policy,
    RegistrationGate gate,
    AccountCreationLimiter creationLimiter,
    TimeProvider time,
    ILogger<UserRegistration> logger)
{
    /// <summary>Said for an e-mail that is taken, without saying so: registration must not confirm who has an account.</summary>
    public const string NotCreatedMessage = "This account could not be created. If you registered before, log in or ask an administrator to reset your password.";

    public const string ClosedMessage = "Registration is closed. Ask an administrator to create an account or to open registration.";

    public const string PendingApprovalMessage =
        "Your account was created and waits for an administrator's approval. You can log in once it is approved.";

    /// <summary>Registers from inside the server (setup, tests): allowed to create the first account, no address limit.</summary>
    public Task<RegistrationResult> RegisterAsync(string email, string password, CancellationToken cancellationToken = default) =>
        RegisterAsync(email, password, mayCreateFirst: true, clientAddress: null, cancellationToken);

    /// <summary>
    /// Registers from a request; <paramref name="mayCreateFirst"/> comes from <see cref="FirstAdminSetup.MayCreateFirst"/>,
    /// <paramref name="clientAddress"/> is the request's client (after forwarded headers), null from inside the server.
    /// </summary>
    public async Task<RegistrationResult> RegisterAsync(
        string email, string password, bool mayCreateFirst, string? clientAddress, CancellationToken cancellationToken = default)
    {
        await gate.Lock.WaitAsync(cancellationToken);
        try
        {
            // The check for a first account and the insert are one transaction; other nodes on the same PostgreSQL
            // database wait on its lock, since this node's gate cannot see them.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await LockAcrossNodesAsync(cancellationToken);
            var isFirst = !await db.Users.AnyAsync(cancellationToken);
            if (isFirst && !mayCreateFirst)
            {
                return RegistrationResult.Refused(FirstAdminSetup.HowToMessage);
            }

            var mode = isFirst ? RegistrationMode.Open : await policy.GetModeAsync(cancellationToken);
            if (mode == RegistrationMode.Closed)
            {
                return RegistrationResult.Refused(ClosedMessage);
            }

            // Checked and counted under the gate, so parallel posts from one address cannot pass together.
            if (clientAddress is not null && !creationLimiter.MayCreate(clientAddress))
            {
                logger.LogWarning("Account creation refused for {Address}: its hourly limit is reached", clientAddress);
                return RegistrationResult.Refused(AccountCreationLimiter.RefusedMessage);
            }

            var result = await CreateAsync(email, password, isFirst ? Roles.Admin : Roles.User, mode == RegistrationMode.ApprovalNeeded, cancellationToken);
            if (!result.Succeeded)
            {
                return result; // rolled back: a user without a role is never left behind
            }

            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Account {UserId} created with role {Role}{Pending}", result.User!.Id, result.Role, result.PendingApproval ? ", waiting for approval" : "");
            if (clientAddress is not null)
            {
                creationLimiter.Record(clientAddress);
            }

            return result;
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    private async Task LockAcrossNodesAsync(CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(TakeRegistrationLock, cancellationToken);
        }
    }

    // Held until the transaction ends. The key is any number kept for this purpose among the app's advisory locks.
    private const string TakeRegistrationLock = "SELECT pg_advisory_xact_lock(6297398479390631937)";

    /// <summary>Creates the user and its role inside the caller's transaction.</summary>
    private async Task<RegistrationResult> CreateAsync(string email, string password, string role, bool pending, CancellationToken cancellationToken)
    {
        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            PendingApprovalSince = pending ? time.GetUtcNow().UtcDateTime : null,
        };
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

        return new RegistrationResult(user, role, [], pending);
    }

    private static string[] Describe(IEnumerable<IdentityError> errors)
    {
        var describer = new IdentityErrorDescriber();
        string[] revealing = [describer.DuplicateEmail("").Code, describer.DuplicateUserName("").Code];
        return errors.Select(e => revealing.Contains(e.Code) ? NotCreatedMessage : e.Description).Distinct().ToArray();
    }
}
