using System;
using System.Collections.Generic;

namespace SBKube.Core.State
{
    /// <summary>One action on the record (a deployment_history row) with the app and revision it concerns.</summary>
    public sealed class AuditEntry : HistoryEntry
    {
        public int? Revision { get; set; }
        /// <summary>The revision's status now.</summary>
        public string? Status { get; set; }

        /// <summary>
        /// Failed, Cancelled, Pending or Succeeded. A revision's outcome is read off its status now: one later marked
        /// bad (a rollback's -Reason) counts as failed, as the seed shows it. An attempt that made no revision ended as
        /// it was recorded (failed or cancelled); a lock takeover, which never makes one, succeeded.
        /// </summary>
        public string Outcome => Revision == null && RecordedOutcome != null ? RecordedOutcome
            : Status == DeploymentStatus.Failed || (Revision == null && HistoryAction.MakesRevision(Action)) ? AuditOutcome.Failed
            : DeploymentStatus.IsPending(Status) ? AuditOutcome.Pending
            : AuditOutcome.Succeeded;
    }

    public static class AuditOutcome
    {
        public const string Succeeded = nameof(Succeeded);
        public const string Failed = nameof(Failed);
        public const string Pending = nameof(Pending);
        /// <summary>Stopped (Ctrl+C, SIGTERM) before it changed anything.</summary>
        public const string Cancelled = nameof(Cancelled);
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
