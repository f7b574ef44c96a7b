namespace WebChat.Engine.Inference;

/// <summary>
/// Decides at submission, on the caller's thread, whether a user may add one more request: a user holds at most
/// their running plus queued share at once. Requests without a user key share one group and have no such limit.
/// </summary>
internal sealed class UserAdmission(InferenceOptions options)
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
            if (!_users.TryGetValue(key, out var user))
            {
                user = new UserShareState(key);
                _users[key] = user;
            }

            share.EnsureRoomBeside(user.InSystem);
            user.InSystem++;
            return user;
        }
    }

    public void Release(UserShareState user)
    {
        if (user.Key is null)
        {
            return;
        }

        lock (_gate)
        {
            user.InSystem--;
        }
    }

    /// <summary>How many requests of this request's user may generate at once.</summary>
    public int RunningLimit(PreparedRequest request) => request.UserKey is null ? int.MaxValue : ShareOf(request).Running;

    private UserShare ShareOf(PreparedRequest request) => UserShare.Of(request.Share, options);
}
