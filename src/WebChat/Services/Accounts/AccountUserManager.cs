using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using WebChat.Data.Entities;

namespace WebChat.Services.Accounts;

/// <summary>
/// Identity's UserManager, plus one duty: every change to an account (roles, stamp, password, disabled, deleted)
/// refreshes its access state and tells the open circuits, so revocation never waits for a timer. A change made
/// inside a transaction is heard before it is committed: the service that owns the transaction publishes again after it.
/// </summary>
internal sealed class AccountUserManager(
    IUserStore<ApplicationUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<ApplicationUser> passwordHasher,
    IEnumerable<IUserValidator<ApplicationUser>> userValidators,
    IEnumerable<IPasswordValidator<ApplicationUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<ApplicationUser>> logger,
    AccountRevocations revocations)
    : UserManager<ApplicationUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    protected override async Task<IdentityResult> UpdateUserAsync(ApplicationUser user)
    {
        var result = await base.UpdateUserAsync(user);
        Changed(user.Id);
        return result;
    }

    public override async Task<IdentityResult> DeleteAsync(ApplicationUser user)
    {
        var result = await base.DeleteAsync(user);
        Changed(user.Id);
        return result;
    }

    private void Changed(string userId)
    {
        revocations.Publish(userId);
    }
}
