using System;

namespace SBKube.Core.Helm
{
    /// <summary>Stable classes of Helm failures; cmdlets turn them into ErrorIds.</summary>
    public enum HelmErrorKind
    {
        Unknown,
        ReleaseNotFound,
        RevisionNotFound,
        PendingOperation,
        Timeout,
        ClusterUnreachable,
        ChartNotFound,
        RepoNotFound,
        UpgradeFailed,
        InstallFailed,
        InvalidArgument,
        /// <summary>The repository or registry refused the credentials (or got none).</summary>
        AuthenticationFailed,
        /// <summary>The repository or registry could not be reached.</summary>
        RepoUnreachable,
        /// <summary>The repository's or registry's certificate was not trusted, or it speaks plain HTTP.</summary>
        TlsFailure,
        /// <summary>The chart's templates or metadata are broken.</summary>
        InvalidChart,
        /// <summary>The values do not fit the chart (its schema, or a required value).</summary>
        InvalidValues,
        /// <summary>The release name, or an object of the chart, already belongs to someone else.</summary>
        ReleaseNameInUse,
        /// <summary>Server-side apply found fields another field manager owns.</summary>
        FieldConflict,
        /// <summary>Kubernetes RBAC refused a request.</summary>
        Forbidden,
        /// <summary>The change failed and Helm rolled it back (atomic / rollback_on_failure), or failed to.</summary>
        RollbackOnFailure,
    }

    public sealed class HelmException : GuidedException
    {
        public HelmException(HelmErrorKind kind, string helmMessage, int exitCode, Exception? inner = null)
            : base(helmMessage, inner, HelmErrors.NextStepFor(kind), null)
        {
            Kind = kind;
            HelmMessage = helmMessage;
            ExitCode = exitCode;
        }

        public HelmErrorKind Kind { get; }
        /// <summary>Helm's error text without the leading <c>Error: </c>.</summary>
        public string HelmMessage { get; }
        public int ExitCode { get; }
    }
}
