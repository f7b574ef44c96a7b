using Microsoft.Extensions.Options;
using WebChat.Engine.Inference;
using WebChat.Services.Nodes;

namespace WebChat.Services.Serving.Engines;

/// <summary>
/// The fair queue in front of the remote engines. Each replica of a model takes at most
/// <see cref="EnginesOptions.MaxInFlightPerReplica"/> of WebChat's requests for it at once; beyond that requests wait
/// here and are let through round-robin across users, by the local scheduler's rule: a user's k-th waiting request
/// stands in round (their requests already let through + k), so someone with nothing running goes before a heavy
/// user's backlog; within a round the user let through longest ago goes first, then arrival. Without this a remote
/// engine served in arrival order, and one user's burst of parallel API calls held everyone else back.
/// The per-user share holds here as on the in-process engine (<see cref="UserShare"/>, the same options and admin
/// overrides) and on one count with it (<see cref="UserRequestCounts"/>): a user writing their running share of
/// answers, here or on the in-process engine, waits for one to end, and one request beyond their running plus queued
/// share, local and remote together, is refused at once with UserBusyException. Requests without a user key have no
/// such limit.
/// With several nodes (PostgreSQL) the remote engines are shared by all of them, so the running share holds across
/// nodes too: a request let through here must also take one of its user's numbered share places, a node lock
/// (<see cref="NodePlaces"/>), held until its answer ends (a dead node's places go with its connection). When every
/// place is held (the user runs their share on other nodes) it goes back to waiting in its fair place, and its user's
/// requests stay out of the way until a place frees: on this node, on another node's signal, or at the next poll
/// (<see cref="PlacePoll"/>: a dead node sends no signal). The waiting share and the in-process engine stay per node.
/// </summary>
public sealed class RemoteAdmission : IDisposable
{
    /// <summary>The node signal, carrying the user key, sent when a node gives one of that user's share places back.</summary>
    public const string SharePlaceFreedChannel = "engine_share_freed";

    /// <summary>How long a user whose share places are all held elsewhere waits before trying them again without a signal.</summary>
    public static readonly TimeSpan PlacePoll = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly RemoteEngines _engines;
    private readonly IOptions<InferenceOptions> _inference;
    private readonly LocalReplica _local;
    private readonly UserRequestCounts _counts;
    private readonly IDisposable _subscription;
    private readonly IDisposable? _localSubscription;
    private readonly INodeLocks _locks;
    private readonly INodeSignals _signals;
    private readonly TimeProvider _time;
    private readonly IDisposable _freedElsewhere;
    private volatile bool _disposed;

    // Guarded by _gate.
    private readonly List<Waiter> _waiting = [];
    private readonly Dictionary<string, int> _admittedPerModel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserState> _users = new(StringComparer.Ordinal);
    private long _arrivals;
    private long _admissions;

    public RemoteAdmission(
        RemoteEngines engines, IOptions<InferenceOptions> inference, LocalReplica local, UserRequestCounts counts,
        INodeLocks? locks = null, INodeSignals? signals = null, TimeProvider? time = null)
    {
        _engines = engines;
        _inference = inference;
        _local = local;
        _counts = counts;
        _locks = locks ?? new SingleNodeLocks();
        _signals = signals ?? new SingleNodeSignals();
        _time = time ?? TimeProvider.System;
        _freedElsewhere = _signals.Subscribe(SharePlaceFreedChannel, Wake); // another node gave one of a user's places back
        _counts.RunningEnded += Pump; // a user's answer ending on the in-process engine may let one of theirs through here
        _subscription = engines.Subscribe(_ => Pump()); // a replica back in service makes room
        _localSubscription = local.Engine?.Subscribe(_ => Pump()); // so does the in-process engine loading the same model
    }

    /// <summary>Requests for <paramref name="model"/> waiting for room on its replicas.</summary>
    public int Waiting(string model)
    {
        lock (_gate)
        {
            return _waiting.Count(w => w.Model == model);
        }
    }

    /// <summary>Requests waiting per model: every model an engine lists (0 when none waits), and any other a request waits for.</summary>
    public IReadOnlyList<(string Model, int Waiting)> WaitingPerModel()
    {
        lock (_gate)
        {
            return [.. _engines.ServedModels().Union(_waiting.Select(w => w.Model)).Distinct(StringComparer.Ordinal)
                .Select(model => (model, _waiting.Count(w => w.Model == model)))];
        }
    }

    /// <summary>Whether requests of <paramref name="userKey"/> here wait because every one of their share places is held (on other nodes).</summary>
    public bool WaitsForSharePlace(string userKey)
    {
        lock (_gate)
        {
            return _users.GetValueOrDefault(userKey)?.WaitsElsewhere == true;
        }
    }

    /// <summary>
    /// Waits for this request's turn; the lease holds its place on the model's replicas until disposed. A model no
    /// replica serves now lets the request through at once: the router then says why it cannot be answered.
    /// Throws UserBusyException when the user already holds their share, local and remote answers together
    /// (<paramref name="ownShare"/> when an admin set one, else Inference:MaxRunningPerUser plus MaxQueuedPerUser).
    /// </summary>
    public async Task<IDisposable> EnterAsync(string model, string? userKey, UserShare? ownShare, CancellationToken cancellationToken)
    {
        var share = userKey is null ? null : UserShare.Of(ownShare, _inference.Value);
        Waiter waiter;
        lock (_gate)
        {
            waiter = new Waiter(model, userKey ?? "", share, _arrivals++);
            if (share is not null)
            {
                _counts.Enter(waiter.User, share);
            }

            _waiting.Add(waiter);
        }

        Pump();
        while (true)
        {
            try
            {
                await waiter.Admitted.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                bool wasWaiting;
                lock (_gate)
                {
                    wasWaiting = _waiting.Remove(waiter);
                    if (wasWaiting && _users.GetValueOrDefault(waiter.User) is { Running: 0 } && !_waiting.Any(w => w.User == waiter.User))
                    {
                        _users.Remove(waiter.User); // it had gone back to waiting for a share place: nothing of its user is left
                    }
                }

                if (!wasWaiting)
                {
                    Release(waiter); // let through at the moment it was cancelled: its place goes to the next
                }
                else if (waiter.Share is not null)
                {
                    _counts.Leave(waiter.User, wasRunning: false);
                }

                throw;
            }

            if (!NeedsSharePlace(waiter))
            {
                return new Lease(this, waiter);
            }

            NodeLockLease? place;
            try
            {
                place = await _locks.TryTakeOneAsync(p => NodeLockNames.SharePlace(waiter.User, p), waiter.Share!.Running, cancellationToken);
            }
            catch
            {
                Release(waiter); // cancelled, or the database is away: nothing of this request stays counted
                throw;
            }

            if (place is not null)
            {
                waiter.SharePlace = place;
                if (cancellationToken.IsCancellationRequested)
                {
                    Release(waiter); // stopped while it took the place: the place goes back with it
                    cancellationToken.ThrowIfCancellationRequested();
                }

                return new Lease(this, waiter);
            }

            WaitForAPlaceElsewhere(waiter);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _counts.RunningEnded -= Pump;
        _subscription.Dispose();
        _localSubscription?.Dispose();
        _freedElsewhere.Dispose();
    }

    // Only a request counted against a user's share, and only when other nodes share the remote engines.
    private bool NeedsSharePlace(Waiter waiter) => waiter.Share is not null && _locks.IsShared;

    // Let through here, but every share place of its user is held (on other nodes, or by this node's answer still being
    // given back): undoes the admission, puts it back in its fair place, and keeps its user's requests waiting until a
    // place frees. Unless a place freed while it tried (a wake since it was let through): then it tries again at once.
    private void WaitForAPlaceElsewhere(Waiter waiter)
    {
        bool blocked;
        lock (_gate)
        {
            _admittedPerModel[waiter.Model]--;
            var user = _users[waiter.User];
            user.Running--;
            if (user.LastAdmitted == waiter.Admission)
            {
                user.LastAdmitted = waiter.LastAdmittedBefore;
            }

            blocked = user.Wakes == waiter.WakesAtAdmission;
            user.WaitsElsewhere |= blocked;
            waiter.Admitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
            var at = _waiting.FindIndex(w => w.Arrival > waiter.Arrival);
            _waiting.Insert(at < 0 ? _waiting.Count : at, waiter);
        }

        _counts.Stopped(waiter.User); // wakes Pump (and the in-process engine) through RunningEnded
        if (blocked)
        {
            _ = WakeLaterAsync(waiter.User);
        }

        Pump();
    }

    // The poll behind the signals: a node that died gave its places back with its connection, and told no one.
    private async Task WakeLaterAsync(string user)
    {
        await Task.Delay(PlacePoll, _time);
        if (!_disposed)
        {
            Wake(user);
        }
    }

    // One of the user's share places may be free now: their requests waiting for one try again.
    private void Wake(string user)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(user, out var state))
            {
                return;
            }

            state.Wakes++;
            state.WaitsElsewhere = false;
        }

        Pump();
    }

    // Gives the share place back, then tells this node's waiting requests of the user and the other nodes.
    private async Task GiveBackSharePlaceAsync(string user, NodeLockLease place)
    {
        await place.ReleaseAsync(); // never throws: a lost connection has freed it already
        if (_disposed)
        {
            return; // the node is stopping: its signals are closed, and its lock connection freed every place anyway
        }

        Wake(user);
        await _signals.SendAsync(SharePlaceFreedChannel, user); // never throws: the others' poll is the backstop
    }

    private void Release(Waiter waiter)
    {
        lock (_gate)
        {
            _admittedPerModel[waiter.Model]--;
            var user = _users[waiter.User];
            if (--user.Running == 0 && !_waiting.Any(w => w.User == waiter.User))
            {
                _users.Remove(waiter.User);
            }
        }

        if (waiter.Share is not null)
        {
            _counts.Leave(waiter.User, wasRunning: true); // wakes Pump (and the in-process engine) through RunningEnded
        }

        if (waiter.SharePlace is { } place)
        {
            _ = GiveBackSharePlaceAsync(waiter.User, place);
        }

        Pump();
    }

    // Lets through, in fair order, every waiting request whose model has room; completes their waits outside the lock.
    // The order is taken again after each one: letting a request through moves its user's later ones back a round.
    private void Pump()
    {
        var admitted = new List<Waiter>();
        lock (_gate)
        {
            var capacity = new Dictionary<string, int>(StringComparer.Ordinal);
            bool HasRoom(Waiter w)
            {
                if (!capacity.TryGetValue(w.Model, out var room))
                {
                    room = capacity[w.Model] = Capacity(w.Model);
                }

                var userHasRoom = w.Share is null
                    || (_counts.MayStart(w.User, w.Share) && !(NeedsSharePlace(w) && _users.GetValueOrDefault(w.User)?.WaitsElsewhere == true));
                return userHasRoom && (room == 0 || _admittedPerModel.GetValueOrDefault(w.Model) < room);
            }

            while (_waiting.Count > 0 && FairOrder().FirstOrDefault(HasRoom) is { } next)
            {
                _waiting.Remove(next);
                _admittedPerModel[next.Model] = _admittedPerModel.GetValueOrDefault(next.Model) + 1;
                var user = UserOf(next.User);
                user.Running++;
                if (next.Share is not null)
                {
                    _counts.Started(next.User);
                }

                next.LastAdmittedBefore = user.LastAdmitted;
                next.WakesAtAdmission = user.Wakes;
                user.LastAdmitted = next.Admission = ++_admissions;
                admitted.Add(next);
            }
        }

        foreach (var waiter in admitted)
        {
            waiter.Admitted.TrySetResult();
        }
    }

    // Room for a model: the per-replica limit times its replicas in service (the in-process engine counted while it
    // holds the same model); 0 when none serves it (no limit then).
    private int Capacity(string model)
    {
        var now = _engines.Now;
        var local = _local.Serves(model) && !_local.IsCoolingDown(_local.Now) ? 1 : 0;
        return (_engines.All.Count(e => e.Serves(model) && !e.IsCoolingDown(now)) + local) * _engines.Options.MaxInFlightPerReplica;
    }

    private List<Waiter> FairOrder()
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return [.. _waiting
            .Select(w =>
            {
                var before = seen.GetValueOrDefault(w.User);
                seen[w.User] = before + 1;
                var user = _users.GetValueOrDefault(w.User);
                return (Waiter: w, Round: (user?.Running ?? 0) + before, LastAdmitted: user?.LastAdmitted ?? 0);
            })
            .OrderBy(x => x.Round).ThenBy(x => x.LastAdmitted).ThenBy(x => x.Waiter.Arrival)
            .Select(x => x.Waiter)];
    }

    private UserState UserOf(string user)
    {
        if (!_users.TryGetValue(user, out var state))
        {
            _users[user] = state = new UserState();
        }

        return state;
    }

    private sealed class Waiter(string model, string user, UserShare? share, long arrival)
    {
        public string Model { get; } = model;
        public string User { get; } = user;
        public UserShare? Share { get; } = share; // null: no per-user limit (no user key)
        public long Arrival { get; } = arrival;

        // Replaced (under the gate) when the request goes back to waiting for a share place.
        public TaskCompletionSource Admitted { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Set under the gate when it is let through: undone if it must wait for a share place after all.
        public long Admission { get; set; }
        public long LastAdmittedBefore { get; set; }
        public long WakesAtAdmission { get; set; }

        /// <summary>With several nodes: the user's share place this request holds until its answer ends.</summary>
        public NodeLockLease? SharePlace { get; set; }
    }

    private sealed class UserState
    {
        public int Running { get; set; }
        public long LastAdmitted { get; set; }

        /// <summary>Times one of the user's share places may have freed (counted so a wake while trying is not lost).</summary>
        public long Wakes { get; set; }

        /// <summary>Every share place is held elsewhere: the user's requests wait for a wake.</summary>
        public bool WaitsElsewhere { get; set; }
    }

    private sealed class Lease(RemoteAdmission owner, Waiter waiter) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(waiter);
            }
        }
    }
}
