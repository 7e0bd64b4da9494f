using System;
using System.Collections.Generic;
using System.Linq;
using System.Data.Common;

namespace SBKube.Core.State
{
    /// <summary>One row of the locks table. App <c>*</c> locks the whole namespace.</summary>
    public sealed class LockRecord
    {
        public const string WholeNamespace = "*";

        public string LockId { get; set; } = "";
        public string Context { get; set; } = "";
        public string Namespace { get; set; } = "";
        public string App { get; set; } = WholeNamespace;
        public string Owner { get; set; } = "";
        /// <summary>Null for a freeze (Lock-SbkubeNamespace): it is not tied to a process.</summary>
        public int? Pid { get; set; }
        public string? Host { get; set; }
        /// <summary>The holder's kernel, PID namespace and start (<see cref="CurrentProcess.Instance"/>); null for a freeze or an older SBKube.</summary>
        public string? Instance { get; set; }
        public string Operation { get; set; } = "";
        public string? Reason { get; set; }
        /// <summary>AcquiredAt in local time, as Get-Item's LastWriteTime; AcquiredAtUtc is the same instant in UTC.</summary>
        public DateTime AcquiredAt => AcquiredAtUtc.ToLocalTime();
        public DateTime AcquiredAtUtc { get; set; }
        /// <summary>When the lease ends (null: until unlocked) in local time, as Get-Item's LastWriteTime; ExpiresAtUtc is the same instant in UTC.</summary>
        public DateTime? ExpiresAt => ExpiresAtUtc?.ToLocalTime();
        public DateTime? ExpiresAtUtc { get; set; }

        public bool IsFreeze => Pid == null;

        /// <summary>
        /// Why the lock no longer holds at <paramref name="now"/>: its lease lapsed, or its process is
        /// gone from this host (a holder on another host is judged by its lease only). Null while it holds.
        /// </summary>
        public string? StaleBecause(DateTime now) =>
            ExpiresAtUtc.HasValue && ExpiresAtUtc.Value < now
                ? "its lease expired at " + StateStore.FormatTime(ExpiresAtUtc.Value)
                : Pid.HasValue && !CurrentProcess.IsAlive(Pid, Host, Instance)
                    ? $"its process {Pid} is gone from {Host}"
                    : null;

        /// <summary>True when <see cref="StaleBecause"/> has a reason now: the next operation takes it over.</summary>
        public bool IsStale => StaleBecause(DateTime.UtcNow) != null;

        public override string ToString() =>
            $"lock {LockId} on {Namespace}{(App == WholeNamespace ? "" : "/" + App)} held by {Owner} for {Operation} since {AcquiredAtUtc:yyyy-MM-dd HH:mm:ss} UTC";
    }

    public sealed class LockRequest
    {
        public string Context { get; set; } = "";
        public string Namespace { get; set; } = "";
        public string App { get; set; } = LockRecord.WholeNamespace;
        public string Operation { get; set; } = "";
        public string? Reason { get; set; }
        /// <summary>Operation locks are leases renewed while the run lives; a freeze lasts this long (null = until unlocked).</summary>
        public TimeSpan? Duration { get; set; }
        /// <summary>True for a freeze: no owning process.</summary>
        public bool Freeze { get; set; }
    }

    public sealed partial class StateStore
    {
        private const string LockColumns =
            "lock_id, context, namespace, app, owner, pid, host, operation, reason, acquired_at, expires_at, instance";

        /// <summary>
        /// Takes a lock unless a live, unexpired conflicting lock exists (returned as the holder).
        /// Stale locks (lease lapsed, or their process gone from this host) are taken over and the
        /// takeover is written to deployment_history. Locks of this process are re-entrant.
        /// </summary>
        public (LockRecord? Acquired, LockRecord? Holder) TryAcquireLock(LockRequest request) => Write((conn, tx) =>
        {
            DateTime now = _clock();
            foreach (LockRecord other in ConflictingLocks(conn, tx, request.Context, request.Namespace, request.App))
            {
                if (CurrentProcess.IsThis(other.Pid, other.Host, other.Instance) && !request.Freeze)
                {
                    continue;
                }
                string? staleBecause = other.StaleBecause(now);
                if (staleBecause == null)
                {
                    return ((LockRecord?)null, (LockRecord?)other);
                }
                Execute(conn, "DELETE FROM locks WHERE lock_id = @id", tx, ("@id", other.LockId));
                AddHistory(conn, tx, null, HistoryAction.LockTakeover,
                    $"Took over {other} ({other.Operation}): {staleBecause}.");
            }
            var record = new LockRecord
            {
                LockId = Guid.NewGuid().ToString("N").Substring(0, 12),
                Context = request.Context,
                Namespace = request.Namespace,
                App = request.App,
                Owner = CurrentProcess.User,
                Pid = request.Freeze ? (int?)null : CurrentProcess.Id,
                Host = CurrentProcess.Host,
                Instance = request.Freeze ? null : CurrentProcess.Instance,
                Operation = request.Operation,
                Reason = request.Reason,
                AcquiredAtUtc = now,
                ExpiresAtUtc = request.Duration.HasValue ? now + request.Duration.Value : (DateTime?)null,
            };
            // A re-entrant request for the very same key keeps the existing row.
            object? existing = Scalar(conn, "SELECT lock_id FROM locks WHERE context = @c AND namespace = @n AND app = @a", tx,
                ("@c", record.Context), ("@n", record.Namespace), ("@a", record.App));
            if (existing != null)
            {
                return (ReadLocks(conn, tx, "WHERE lock_id = @id", ("@id", existing)).Single(), (LockRecord?)null);
            }
            Execute(conn,
                $"INSERT INTO locks ({LockColumns}) VALUES (@id, @c, @n, @a, @o, @pid, @h, @op, @r, @at, @exp, @inst)", tx,
                ("@id", record.LockId), ("@c", record.Context), ("@n", record.Namespace), ("@a", record.App),
                ("@o", record.Owner), ("@pid", record.Pid), ("@h", record.Host), ("@op", record.Operation),
                ("@r", record.Reason), ("@at", Time(record.AcquiredAtUtc)),
                ("@exp", record.ExpiresAtUtc.HasValue ? Time(record.ExpiresAtUtc.Value) : null), ("@inst", record.Instance));
            return ((LockRecord?)record, (LockRecord?)null);
        });

        /// <summary>Extends a lease; false when the lock is gone (broken by someone else).</summary>
        public bool RenewLock(string lockId, TimeSpan lease) => Write((conn, tx) =>
        {
            using DbCommand cmd = Command(conn, "UPDATE locks SET expires_at = @exp WHERE lock_id = @id", tx,
                ("@exp", Time(_clock() + lease)), ("@id", lockId));
            return cmd.ExecuteNonQuery() == 1;
        });

        /// <summary>Removes a lock by ID; returns the removed lock or null when there was none.</summary>
        public LockRecord? ReleaseLock(string lockId, string? forcedBy = null) => Write((conn, tx) =>
        {
            LockRecord? record = ReadLocks(conn, tx, "WHERE lock_id = @id", ("@id", lockId)).SingleOrDefault();
            if (record == null)
            {
                return null;
            }
            Execute(conn, "DELETE FROM locks WHERE lock_id = @id", tx, ("@id", lockId));
            if (forcedBy != null)
            {
                AddHistory(conn, tx, null, HistoryAction.LockTakeover, $"{forcedBy} force-unlocked {record}.");
            }
            return record;
        });

        public IReadOnlyList<LockRecord> Locks(string? ns = null) => Run(conn =>
        {
            var p = new List<(string, object?)>();
            string where = Where(p, ("namespace", ns));
            return (IReadOnlyList<LockRecord>)ReadLocks(conn, null, where + " ORDER BY namespace, app, acquired_at", p.ToArray());
        });

        private static List<LockRecord> ConflictingLocks(DbConnection conn, DbTransaction tx, string context, string ns, string app) =>
            ReadLocks(conn, tx,
                "WHERE namespace = @n AND (context = @c OR context = '' OR @c = '') AND (app = '*' OR @a = '*' OR app = @a) ORDER BY acquired_at",
                ("@n", ns), ("@c", context), ("@a", app));

        private static List<LockRecord> ReadLocks(DbConnection conn, DbTransaction? tx, string where,
            params (string Name, object? Value)[] parameters)
        {
            var list = new List<LockRecord>();
            using DbCommand cmd = Command(conn, $"SELECT {LockColumns} FROM locks {where}", tx, parameters);
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(new LockRecord
                {
                    LockId = r.GetString(0),
                    Context = r.GetString(1),
                    Namespace = r.GetString(2),
                    App = r.GetString(3),
                    Owner = r.GetString(4),
                    Pid = r.IsDBNull(5) ? (int?)null : r.GetInt32(5),
                    Host = r.IsDBNull(6) ? null : r.GetString(6),
                    Operation = r.GetString(7),
                    Reason = r.IsDBNull(8) ? null : r.GetString(8),
                    AcquiredAtUtc = ReadTime(r, 9),
                    ExpiresAtUtc = r.IsDBNull(10) ? (DateTime?)null : ReadTime(r, 10),
                    Instance = r.IsDBNull(11) ? null : r.GetString(11),
                });
            }
            return list;
        }
    }
}
