using System;
using System.Collections.Generic;

namespace SBKube.Core.State
{
    /// <summary>One action on the record (a deployment_history row) with the app and revision it concerns.</summary>
    public sealed class AuditEntry
    {
        public long Id { get; set; }
        /// <summary>When it happened in local time, as Get-Item's LastWriteTime; TimestampUtc is the same instant in UTC.</summary>
        public DateTime Timestamp => TimestampUtc.ToLocalTime();
        public DateTime TimestampUtc { get; set; }
        /// <summary>deploy, upgrade, rollback, delete, reconcile, recover or lock-takeover.</summary>
        public string Action { get; set; } = "";
        /// <summary>Null for a lock takeover, which concerns no app.</summary>
        public string? Context { get; set; }
        public string? Namespace { get; set; }
        public string? App { get; set; }
        public int? Revision { get; set; }
        /// <summary>The revision's status now.</summary>
        public string? Status { get; set; }
        public string? User { get; set; }
        public string? Description { get; set; }

        /// <summary>
        /// Failed, Pending or Succeeded, read off the revision's status now: a revision later marked bad (a
        /// rollback's -Reason) counts as failed, as the seed shows it. A change that made no revision failed
        /// before Helm recorded anything; a lock takeover, which never makes one, succeeded.
        /// </summary>
        public string Outcome => Status == DeploymentStatus.Failed || (Revision == null && HistoryAction.MakesRevision(Action))
            ? AuditOutcome.Failed
            : DeploymentStatus.IsPending(Status) ? AuditOutcome.Pending
            : AuditOutcome.Succeeded;
    }

    public static class AuditOutcome
    {
        public const string Succeeded = nameof(Succeeded);
        public const string Failed = nameof(Failed);
        public const string Pending = nameof(Pending);
    }

    /// <summary>Which actions to read; unset filters match everything.</summary>
    public sealed class AuditQuery
    {
        public string? Namespace { get; set; }
        public string? App { get; set; }
        public string? Context { get; set; }
        public IReadOnlyList<string>? Actions { get; set; }
        /// <summary>UTC bounds, inclusive.</summary>
        public DateTime? Since { get; set; }
        public DateTime? Until { get; set; }
    }
}
