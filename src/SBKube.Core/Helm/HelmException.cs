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
    }

    public sealed class HelmException : Exception
    {
        public HelmException(HelmErrorKind kind, string helmMessage, int exitCode, Exception? inner = null)
            : base(helmMessage, inner)
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
