using Microsoft.Extensions.Options;
using WebChat.Configuration;

namespace WebChat.Services.Security;

/// <summary>
/// Accounts created per client address in the last hour (WebChat:Security:AccountsPerAddressPerHour; 0 turns it
/// off). The per-address form limit counts posts per minute, which still let one machine make a thousand accounts a
/// day; this counts accounts made. Kept in memory: a restart forgets it, which costs an attacker a restart they cannot
/// cause. Registrations are rare, so a list per address is enough.
/// </summary>
public sealed class AccountCreationLimiter(IOptions<SecurityOptions> options, TimeProvider time)
{
    public const string RefusedMessage =
        "Too many accounts were created from your address in the last hour. Try again later, or ask an administrator to create one.";

    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Dictionary<string, List<DateTimeOffset>> created = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>True when one more account may be created from this address now.</summary>
    public bool MayCreate(string address)
    {
        var limit = options.Value.AccountsPerAddressPerHour;
        if (limit == 0)
        {
            return true;
        }

        lock (gate)
        {
            Forget(time.GetUtcNow() - Window);
            return !created.TryGetValue(address, out var times) || times.Count < limit;
        }
    }

    /// <summary>Counts an account created from this address.</summary>
    public void Record(string address)
    {
        lock (gate)
        {
            if (!created.TryGetValue(address, out var times))
            {
                created[address] = times = [];
            }

            times.Add(time.GetUtcNow());
        }
    }

    private void Forget(DateTimeOffset before)
    {
        foreach (var (address, times) in created)
        {
            times.RemoveAll(t => t <= before);
            if (times.Count == 0)
            {
                created.Remove(address);
            }
        }
    }
}
