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
        public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(2);
        private readonly StateStore _store;
        private readonly Timer _renewal;
        private int _disposed;

        private LockLease(StateStore store, LockRecord record, TimeSpan lease)
        {
            _store = store;
            Record = record;
            var period = TimeSpan.FromTicks(lease.Ticks / 3);
            _renewal = new Timer(_ => Renew(lease), null, period, period);
        }

        public LockRecord Record { get; }

        /// <summary>Takes the lock, waiting up to <paramref name="timeout"/> for a live holder to finish.</summary>
        /// <exception cref="SbkubeException">LockHeld, naming holder, operation, since when and the lock ID.</exception>
        public static async Task<LockLease> AcquireAsync(StateStore store, LockRequest request, TimeSpan timeout,
            CancellationToken ct, TimeSpan? lease = null)
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
            string target = request.App == LockRecord.WholeNamespace ? $"namespace '{request.Namespace}'" : $"{request.Namespace}/{request.App}";
            string what = holder.IsFreeze ? "frozen" : "locked";
            string until = holder.ExpiresAt.HasValue
                ? " until " + holder.ExpiresAt.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC"
                : "";
            string reason = string.IsNullOrEmpty(holder.Reason) ? "" : $" ({holder.Reason})";
            string waitedText = waited > TimeSpan.Zero ? $" after waiting {waited.TotalSeconds:0}s" : "";
            return new SbkubeException(
                $"Cannot {request.Operation} {target}{waitedText}: it is {what} by {holder.Owner} for '{holder.Operation}'{reason} " +
                $"since {holder.AcquiredAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC{until} (lock ID {holder.LockId}). " +
                $"Wait with -LockTimeout, or if that holder is gone: Unlock-SbkubeNamespace -LockId {holder.LockId} -Force.",
                "LockHeld", SbkubeException.ResourceBusy, holder);
        }

        private void Renew(TimeSpan lease)
        {
            try
            {
                _store.RenewLock(Record.LockId, lease);
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
            _store.ReleaseLock(Record.LockId);
        }
    }
}
