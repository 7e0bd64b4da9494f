namespace SBKube.Core.State
{
    /// <summary>Helm's status words, used verbatim in the state DB.</summary>
    public static class DeploymentStatus
    {
        public const string PendingInstall = "pending-install";
        public const string PendingUpgrade = "pending-upgrade";
        public const string PendingRollback = "pending-rollback";
        public const string Deployed = "deployed";
        public const string Superseded = "superseded";
        public const string Failed = "failed";
        public const string Uninstalling = "uninstalling";
        public const string Uninstalled = "uninstalled";

        /// <summary>Statuses written before the work starts: left behind only by a killed process.</summary>
        public static bool IsPending(string? status) =>
            status == PendingInstall || status == PendingUpgrade || status == PendingRollback || status == Uninstalling;
    }

    /// <summary>Actions written to deployment_history.</summary>
    public static class HistoryAction
    {
        public const string Deploy = "deploy";
        public const string Upgrade = "upgrade";
        public const string Rollback = "rollback";
        public const string Delete = "delete";
        public const string Reconcile = "reconcile";
        public const string LockTakeover = "lock-takeover";
        /// <summary>A release stuck pending after a killed helm, rolled back or uninstalled by Repair-SbkubeState.</summary>
        public const string Recover = "recover";

        /// <summary>Whether the action, when it succeeds, is a revision of its own (all but a lock takeover).</summary>
        public static bool MakesRevision(string action) => action != LockTakeover;
    }
}
