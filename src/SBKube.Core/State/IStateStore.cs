using System;
using System.Collections.Generic;
using System.IO;

namespace SBKube.Core.State
{
    /// <summary>
    /// The revisions an operation reads and writes (a pending row before Helm runs, finished after): all that the
    /// engines see of the store, besides the locks.
    /// </summary>
    public interface IDeploymentLog
    {
        DeploymentRecord BeginDeployment(NewDeployment d);
        /// <param name="supersededFailedBecause">
        /// Why the revision deployed until now was bad (a rollback's reason): it becomes failed, its description
        /// ending "(FAILED: reason)", instead of superseded.
        /// </param>
        /// <param name="chart">The chart as Helm reports it deployed; null keeps the one the row was begun with.</param>
        DeploymentRecord FinishDeployment(long id, string status, int? helmRevision, string? description, string action,
            string? user = null, string? supersededFailedBecause = null, string? chart = null, string? chartVersion = null,
            string? errorId = null);
        /// <summary>Ends a pending revision Helm never recorded: the row goes, the attempt stays in the app's history.</summary>
        void DropAttempt(long id, string action, string description, string? errorId);
        /// <summary>Puts an attempt that made no revision (refused, cancelled, failed before Helm) on the record, as a history row of the app.</summary>
        void RecordAttempt(string context, string ns, string app, string action, string description, string outcome, string? errorId);
        /// <summary>Who makes the changes, from where and with what; written with every history row.</summary>
        RunProvenance Provenance { get; }
        DeploymentRecord? Get(string ns, string app, int revision, string? context = null);
        DeploymentRecord? GetDeployed(string ns, string app, string? context = null);
        /// <summary>The deployed revision of every app of a namespace in one kube context.</summary>
        IReadOnlyList<DeploymentRecord> DeployedIn(string ns, string context);
        DeploymentRecord? GetLatest(string ns, string app, string? context = null);
        int? MaxHelmRevision(string ns, string app, string? context = null);
        /// <summary>One app's revisions, oldest first.</summary>
        IReadOnlyList<DeploymentRecord> History(string ns, string app, string? context = null, int? limit = null, DateTime? since = null);
        IReadOnlyList<DeploymentRecord> Pending(string? ns = null);
    }

    /// <summary>Namespace and app leases and freezes, shared by every host that uses the store.</summary>
    public interface ILockTable
    {
        (LockRecord? Acquired, LockRecord? Holder) TryAcquireLock(LockRequest request);
        bool RenewLock(string lockId, TimeSpan lease);
        LockRecord? ReleaseLock(string lockId, string? forcedBy = null);
        IReadOnlyList<LockRecord> Locks(string? ns = null);
    }

    /// <summary>What the state, history and metrics views read.</summary>
    public interface IStateQueries
    {
        IReadOnlyList<DeploymentRecord> List(string? ns = null, string? app = null, string? context = null, bool latestOnly = false);
        void Stream(Action<DeploymentRecord> onRow, string? ns = null, string? app = null, string? context = null, bool latestOnly = false,
            bool snapshots = true, Func<string?, string?>? maskSnapshot = null);
        StateListWidths ListWidths(string? ns = null, string? app = null, string? context = null, bool latestOnly = false);
        IReadOnlyList<HistoryEntry> HistoryEntries(long? deploymentId = null, string? action = null);
        void StreamAudit(AuditQuery query, Action<AuditEntry> onRow);
        IReadOnlyList<(string Context, string Namespace, string App)> Apps();
        StateMetrics ReadMetrics();
    }

    /// <summary>Moving state in and out (JSON export/import, between backends too) and pruning it.</summary>
    public interface IStateArchive
    {
        void Export(Stream output, string? ns = null, string? app = null, string? context = null);
        string ExportJson(string? ns = null, string? app = null, string? context = null);
        FileInfo ExportToFile(string path, string? ns = null, string? app = null, string? context = null, bool overwrite = false);
        ImportResult Import(string json, bool whatIf = false, string? sourceName = null);
        ImportResult ImportFile(string path, bool whatIf = false);
        IReadOnlyList<PruneSummary> PruneBySummary(PruneRequest request);

        /// <summary>The store's random key for fingerprints of masked secrets (null: a store without one).</summary>
        byte[]? FingerprintKey();
    }

    /// <summary>
    /// A state store as engines and cmdlets see it; <see cref="StateStore"/> implements it over SQLite
    /// or PostgreSQL, and nothing above it knows which.
    /// </summary>
    public interface IStateStore : IDeploymentLog, ILockTable, IStateQueries, IStateArchive
    {
        /// <summary>The SQLite file, or the PostgreSQL server, database and schema (never a password).</summary>
        string Path { get; }

        /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
        string Backend { get; }

        /// <summary>What opening the store found worth a warning (a state file other users can read).</summary>
        IReadOnlyList<string> OpenWarnings { get; }

        /// <summary>A consistent copy of an SQLite store; a PostgreSQL store refuses, pointing to pg_dump and Export.</summary>
        FileInfo Backup(string destination, bool overwrite = false);
    }
}
