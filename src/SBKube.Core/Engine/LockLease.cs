using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// A held operation lock whose lease is renewed in the background while the run lives;
    /// disposing releases it. A process killed mid-run stops renewing, so its lock lapses.
    /// </summary>
    public sealed class LockLease : IDisposable
    {
        /// <summary>Two minutes, or <c>$env:SBKUBE_LOCK_LEASE</c> (a Go duration such as <c>30s</c>).</summary>
        public static TimeSpan DefaultLease =>
            Environment.GetEnvironmentVariable("SBKUBE_LOCK_LEASE") is { Length: > 0 } text
                ? DurationText.ParsePositive(text, "SBKUBE_LOCK_LEASE")
                : TimeSpan.FromMinutes(2);
        private readonly ILockTable _table;
        private readonly Timer _renewal;
        private readonly TimeSpan _lease;
        private int _disposed;

        private LockLease(ILockTable store, LockRecord record, TimeSpan lease)
        {
            _table = store;
            Record = record;
            _lease = lease;
            var period = TimeSpan.FromTicks(lease.Ticks / 3);
            _renewal = new Timer(_ => Renew(lease), null, period, period);
        }

        public LockRecord Record { get; }

        /// <summary>Whether this lock guards changes to <paramref name="app"/> in <paramref name="ns"/>.</summary>
        public bool Covers(string ns, string app) =>
            Record.Namespace == ns && (Record.App == app || Record.App == LockRecord.WholeNamespace);

        /// <summary>Called once when the lease is released.</summary>
        internal Action<LockLease>? Released { get; set; }

        /// <summary>
        /// Fencing: renews the lease and fails when it is gone, because another run took it over after
        /// it lapsed (this process was paused, or lost the database for longer than the lease). Called
        /// before every change to the cluster, so a run that lost its lock never calls Helm again.
        /// </summary>
        /// <exception cref="SbkubeException">LockLost.</exception>
        public void EnsureHeld()
        {
            if (!_table.RenewLock(Record.LockId, _lease))
            {
                string target = Record.App == LockRecord.WholeNamespace ? $"namespace '{Record.Namespace}'" : $"{Record.Namespace}/{Record.App}";
                throw new SbkubeException(
                    $"The lock {Record.LockId} on {target} is no longer held by this run: its lease lapsed and another run took it over. " +
                    "Nothing more was sent to the cluster for it.",
                    ErrorIds.LockLost, ErrorKind.ResourceBusy, Record, next: new NextStep(NextStepKind.CheckStateAndRetry));
            }
        }

        /// <summary>
        /// Takes the lock, waiting up to <paramref name="timeout"/> for a live holder to finish;
        /// <paramref name="waiting"/> hears once that the wait begins and who holds the lock.
        /// </summary>
        /// <exception cref="SbkubeException">LockHeld, naming holder, operation, since when and the lock ID.</exception>
        public static async Task<LockLease> AcquireAsync(ILockTable store, LockRequest request, TimeSpan timeout,
            CancellationToken ct, TimeSpan? lease = null, Action<string>? waiting = null)
        {
            TimeSpan leaseLength = lease ?? DefaultLease;
            request.Duration = leaseLength;
            DateTime deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                (LockRecord? acquired, LockRecord? holder) = store.TryAcquireLock(request);
                if (acquired != null)
                {
                    return new LockLease(store, acquired, leaseLength);
                }
                if (DateTime.UtcNow >= deadline || ct.IsCancellationRequested)
                {
                    throw Held(holder!, request, timeout);
                }
                if (waiting != null)
                {
                    waiting($"Waiting up to {timeout.TotalSeconds:0}s to {request.Operation} {Target(request)}: it is {Holding(holder!)}.");
                    waiting = null;
                }
                try
                {
                    // Polling: SQLite has no notification; a short wait keeps the DB quiet.
                    await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw Held(holder!, request, timeout);
                }
            }
        }

        public static SbkubeException Held(LockRecord holder, LockRequest request, TimeSpan waited)
        {
            string waitedText = waited > TimeSpan.Zero ? $" after waiting {waited.TotalSeconds:0}s" : "";
            return new SbkubeException(
                $"Cannot {request.Operation} {Target(request)}{waitedText}: it is {Holding(holder)}.",
                ErrorIds.LockHeld, ErrorKind.ResourceBusy, holder, next: new NextStep(NextStepKind.WaitOrBreakLock) { LockId = holder.LockId });
        }

        private static string Target(LockRequest request) =>
            request.App == LockRecord.WholeNamespace ? $"namespace '{request.Namespace}'" : $"{request.Namespace}/{request.App}";

        /// <summary>"locked by OWNER for 'OPERATION' (REASON) since ... UTC until ... UTC (lock ID ...)".</summary>
        private static string Holding(LockRecord holder)
        {
            string what = holder.IsFreeze ? "frozen" : "locked";
            string until = holder.ExpiresAtUtc.HasValue
                ? " until " + holder.ExpiresAtUtc.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC"
                : "";
            string reason = string.IsNullOrEmpty(holder.Reason) ? "" : $" ({holder.Reason})";
            return $"{what} by {holder.Owner} for '{holder.Operation}'{reason} " +
                $"since {holder.AcquiredAtUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC{until} (lock ID {holder.LockId})";
        }

        private void Renew(TimeSpan lease)
        {
            try
            {
                _table.RenewLock(Record.LockId, lease);
            }
            catch (StateStoreException)
            {
                // A busy DB at one tick is fine: the lease is three ticks long.
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }
            _renewal.Dispose();
            Released?.Invoke(this);
            try
            {
                _table.ReleaseLock(Record.LockId);
            }
            catch (StateStoreException e)
            {
                // Never in place of the operation's own outcome or error: an unreleased lock ends with its lease.
                ReleaseFailed?.Invoke($"The lock {Record.LockId} could not be released ({e.Message}); it lapses when its lease ends.");
            }
        }

        /// <summary>Hears that the lock could not be released (the store is unreachable).</summary>
        internal Action<string>? ReleaseFailed { get; set; }
    }
}
