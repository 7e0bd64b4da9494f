using System;
using System.Collections.Generic;
using System.Linq;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>Freezes and unlocks for operators (seed: --lock, state locks; Terraform's force-unlock).</summary>
    public static class NamespaceLocks
    {
        /// <summary>Freezes a namespace: no apply, rollback or delete until it expires or is unlocked.</summary>
        public static LockRecord Freeze(ILockTable store, string ns, string? context, string? reason, TimeSpan? duration)
        {
            var request = new LockRequest
            {
                Context = context ?? "",
                Namespace = ns,
                Operation = "freeze",
                Reason = reason,
                Duration = duration,
                Freeze = true,
            };
            (LockRecord? acquired, LockRecord? holder) = store.TryAcquireLock(request);
            return acquired ?? throw LockLease.Held(holder!, request, TimeSpan.Zero);
        }

        /// <summary>Releases the caller's own locks on a namespace.</summary>
        public static IReadOnlyList<LockRecord> UnlockOwn(ILockTable store, string ns)
        {
            IReadOnlyList<LockRecord> all = store.Locks(ns);
            var mine = all.Where(l => l.Owner == CurrentProcess.User).ToList();
            if (mine.Count == 0)
            {
                string others = all.Count == 0
                    ? "there are no locks on it"
                    : "its locks: " + string.Join("; ", all.Select(l => $"{l.LockId} held by {l.Owner} for '{l.Operation}'"));
                throw new SbkubeException(
                    $"You ({CurrentProcess.User}) hold no lock on namespace '{ns}'; {others}.",
                    ErrorIds.LockNotOwned, ErrorKind.ObjectNotFound, ns, next: new NextStep(NextStepKind.BreakLock));
            }
            return mine.Select(l => store.ReleaseLock(l.LockId)).Where(l => l != null).Select(l => l!).ToList();
        }

        /// <summary>Releases a lock by ID; another's lock needs <paramref name="force"/>, and the break is recorded.</summary>
        public static LockRecord UnlockById(ILockTable store, string lockId, bool force)
        {
            LockRecord? record = store.Locks().FirstOrDefault(l => l.LockId == lockId)
                ?? throw new SbkubeException($"No lock with ID '{lockId}'.", ErrorIds.LockNotFound,
                    ErrorKind.ObjectNotFound, lockId, next: new NextStep(NextStepKind.ListLocks));
            bool mine = record.Owner == CurrentProcess.User;
            if (!mine && !force)
            {
                throw new SbkubeException(
                    $"Lock {lockId} on '{record.Namespace}' belongs to {record.Owner} ('{record.Operation}').",
                    ErrorIds.LockNotOwned, ErrorKind.PermissionDenied, record, next: new NextStep(NextStepKind.BreakLock) { LockId = lockId });
            }
            return store.ReleaseLock(lockId, mine ? null : CurrentProcess.User) ?? record;
        }
    }
}
