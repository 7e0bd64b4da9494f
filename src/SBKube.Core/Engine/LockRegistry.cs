using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>The locks one session holds, taken through it so that every change can check it still holds them.</summary>
    public sealed class LockRegistry
    {
        private readonly ILockTable _table;
        private readonly string _context;
        private readonly IEngineLog _log;
        private readonly ConcurrentDictionary<LockLease, bool> _leases = new ConcurrentDictionary<LockLease, bool>();

        internal LockRegistry(ILockTable store, string context, IEngineLog log)
        {
            _table = store;
            _context = context;
            _log = log;
        }

        /// <summary>The locks anyone holds in <paramref name="ns"/> (null: everywhere), as the store has them now.</summary>
        public System.Collections.Generic.IReadOnlyList<LockRecord> InNamespace(string? ns) => _table.Locks(ns);

        /// <summary>Locks one app (or with <paramref name="app"/> null the whole namespace) for an operation.</summary>
        public async Task<LockLease> LockAsync(string ns, string? app, string operation, TimeSpan timeout, CancellationToken ct = default)
        {
            LockLease lease = await LockLease.AcquireAsync(_table, new LockRequest
            {
                Context = _context,
                Namespace = ns,
                App = app ?? LockRecord.WholeNamespace,
                Operation = operation,
            }, timeout, ct, waiting: _log.Verbose).ConfigureAwait(false);
            _leases[lease] = true;
            lease.Released = l => _leases.TryRemove(l, out _);
            lease.ReleaseFailed = _log.Warning;
            return lease;
        }

        /// <summary>
        /// Fencing before a change to an app: the locks of this session that cover it (its own and its
        /// namespace's) must still be its own. Other apps' leases are left alone: in a parallel apply
        /// they are released, or lost, independently of this one.
        /// </summary>
        /// <exception cref="SbkubeException">LockLost.</exception>
        public void EnsureHeld(string ns, string app)
        {
            foreach (LockLease lease in _leases.Keys)
            {
                if (lease.Covers(ns, app))
                {
                    lease.EnsureHeld();
                }
            }
        }
    }
}
