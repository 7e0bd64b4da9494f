using System;
using System.Linq;
using SBKube.Core.Tools;

namespace SBKube.Core.Helm
{
    /// <summary>Reads Helm's stderr: finds the <c>Error:</c> line and classifies it (Helm 3 and 4 wording).</summary>
    public static class HelmErrors
    {
        /// <summary>The line that says what went wrong; without any, the exit code (or signal) in words.</summary>
        public static string ErrorLine(string stderr, int exitCode = 1)
        {
            string[] lines = stderr.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.TrimEnd('\r')).ToArray();
            string? error = lines.LastOrDefault(l => l.StartsWith("Error: ", StringComparison.Ordinal));
            if (error != null)
            {
                return error.Substring("Error: ".Length);
            }
            return lines.Length > 0 ? lines[lines.Length - 1] : ToolRunner.SilentFailure("helm", exitCode);
        }

        public static HelmErrorKind Classify(string message)
        {
            string m = message.ToLowerInvariant();
            if (m.Contains("kubernetes cluster unreachable")) return HelmErrorKind.ClusterUnreachable;
            if (m.Contains("another operation (install/upgrade/rollback) is in progress")) return HelmErrorKind.PendingOperation;
            if (m.Contains("context deadline exceeded") || m.Contains("timed out waiting")) return HelmErrorKind.Timeout;
            if (m.StartsWith("repo ", StringComparison.Ordinal) && m.Contains(" not found")) return HelmErrorKind.RepoNotFound;
            if ((m.StartsWith("chart \"", StringComparison.Ordinal) && m.Contains("not found"))
                || (m.StartsWith("path \"", StringComparison.Ordinal) && m.EndsWith("not found", StringComparison.Ordinal))
                || m.Contains("no chart version found") || m.Contains("failed to fetch")) return HelmErrorKind.ChartNotFound;
            if (m.StartsWith("release has no ", StringComparison.Ordinal) && m.EndsWith(" version", StringComparison.Ordinal)) return HelmErrorKind.RevisionNotFound;
            if (m.Contains("release: not found") || m.Contains("has no deployed releases")) return HelmErrorKind.ReleaseNotFound;
            if (m.StartsWith("upgrade failed:", StringComparison.Ordinal)) return HelmErrorKind.UpgradeFailed;
            if (m.StartsWith("invalid argument", StringComparison.Ordinal) || m.StartsWith("unknown flag", StringComparison.Ordinal)
                || m.Contains("requires") && m.Contains("argument")) return HelmErrorKind.InvalidArgument;
            if (m.Contains("failed, and has been uninstalled") || m.StartsWith("release ", StringComparison.Ordinal) && m.Contains(" failed")) return HelmErrorKind.InstallFailed;
            return HelmErrorKind.Unknown;
        }
    }
}
