using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.Core
{
    /// <summary>
    /// Every ErrorId SBKube raises, in one place and one spelling. Families are a prefix and a kind:
    /// <c>Config.&lt;code&gt;</c>, <c>StateStore.&lt;kind&gt;</c>, <c>Helm.&lt;kind&gt;</c>. about_SBKube lists each
    /// one, and a test checks that no other is raised.
    /// </summary>
    public static class ErrorIds
    {
        public const string AppFailed = "AppFailed";
        public const string AppNotFound = "AppNotFound";
        public const string BackupDestinationExists = "BackupDestinationExists";
        public const string ConfigNotFound = "ConfigNotFound";
        public const string ConfirmationUnavailable = "ConfirmationUnavailable";
        public const string DependencySkipped = "DependencySkipped";
        public const string EngineError = "EngineError";
        public const string HealthCheckFailed = "HealthCheckFailed";
        /// <summary>An app option (config.yaml) that the detected Helm does not have.</summary>
        public const string HelmOptionUnsupported = "HelmOptionUnsupported";
        public const string ImportInvalidDocument = "Import.InvalidDocument";
        public const string InvalidAddress = "InvalidAddress";
        public const string InvalidDuration = "InvalidDuration";
        public const string DurationOutOfRange = "DurationOutOfRange";
        public const string InvalidHealthCheck = "InvalidHealthCheck";
        public const string InvalidOlderThan = "InvalidOlderThan";
        public const string InvalidRevision = "InvalidRevision";
        public const string KubectlFailed = "Kubectl.Failed";
        public const string LockHeld = "LockHeld";
        public const string LockLost = "LockLost";
        public const string LockNotFound = "LockNotFound";
        public const string LockNotOwned = "LockNotOwned";
        public const string MetricsServerBind = "MetricsServerBind";
        public const string MetricsServerNotFound = "MetricsServerNotFound";
        public const string MetricsServerRunning = "MetricsServerRunning";
        public const string PlanOutdated = "PlanOutdated";
        /// <summary>A release stuck pending that a run may still be changing: it is left alone.</summary>
        public const string ReleaseBusy = "ReleaseBusy";
        public const string PruneCriteriaMissing = "PruneCriteriaMissing";
        public const string RevertFailed = "RevertFailed";
        public const string RevisionNotFound = "RevisionNotFound";
        public const string RollbackTargetFailed = "RollbackTargetFailed";
        public const string RollbackTargetPending = "RollbackTargetPending";
        public const string SnapshotMissing = "SnapshotMissing";
        public const string SnapshotMismatch = "SnapshotMismatch";
        public const string ToolExitUnknown = "ToolExitUnknown";
        public const string ToolNotFound = "ToolNotFound";
        public const string UnknownApp = "UnknownApp";

        public const string ConfigPrefix = "Config.";
        public const string StateStorePrefix = "StateStore.";
        public const string HelmPrefix = "Helm.";

        /// <summary>A config problem: <c>Config.</c> and its <see cref="Config.ConfigIssueCodes"/> code.</summary>
        public static string Config(string code) => ConfigPrefix + code;

        public static string StateStore(StateStoreErrorKind kind) => StateStorePrefix + kind;

        public static string Helm(HelmErrorKind kind) => HelmPrefix + kind;
    }
}
