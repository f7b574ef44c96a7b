namespace WebChat.Engine.Inference;

/// <summary>
/// Decides at submission, on the caller's thread, whether a user may add one more request, and in the loop whether a
/// waiting one may start: a user holds at most their running plus queued share at once, and writes at most their
/// running share at once, counted across this node's engines (<see cref="UserRequestCounts"/>: remote answers too).
/// Requests without a user key share one group and have no such limit; a request the router already counted
/// (<see cref="ChatRequest.UserAlreadyCounted"/>) is not counted again.
/// </summary>
internal sealed class UserAdmission(InferenceOptions options, UserRequestCounts counts)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, UserShareState> _users = new(StringComparer.Ordinal);
    private readonly UserShareState _anonymous = new(null);

    /// <summary>Counts the request against its user; throws UserBusyException when the user's share is used up.</summary>
    public UserShareState Admit(PreparedRequest request)
    {
        if (request.UserKey is not { } key)
        {
            return _anonymous;
        }

        var share = ShareOf(request);
        lock (_gate)
        {
            if (!request.UserAlreadyCounted)
            {
                counts.Enter(key, share);
            }

            if (!_users.TryGetValue(key, out var user))
            {
                user = new UserShareState(key);
                _users[key] = user;
            }

            user.InSystem++;
            return user;
        }
    }

    /// <summary>Whether a waiting request may start now: its user writes fewer than their running share, here and on other engines.</summary>
    public bool MayStart(SchedulerWork work) =>
        work.Request.UserKey is not { } key
        || (work.User.Running < ShareOf(work.Request).Running && (work.Request.UserAlreadyCounted || counts.MayStart(key, ShareOf(work.Request))));

    /// <summary>The request got a sequence.</summary>
    public void Started(SchedulerWork work)
    {
        if (work.Request is { UserKey: { } key, UserAlreadyCounted: false })
        {
            counts.Started(key);
        }
    }

    /// <summary>The request ended (answered, cancelled while waiting, or refused after admission).</summary>
    public void Release(UserShareState user, PreparedRequest request, bool started)
    {
        if (user.Key is not { } key)
        {
            return;
        }

        lock (_gate)
        {
            user.InSystem--;
        }

        if (!request.UserAlreadyCounted)
        {
            counts.Leave(key, started);
        }
    }

    private UserShare ShareOf(PreparedRequest request) => UserShare.Of(request.Share, options);
}
