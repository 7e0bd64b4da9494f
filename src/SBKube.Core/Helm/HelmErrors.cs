using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SBKube.Core.Tools;

namespace SBKube.Core.Helm
{
    /// <summary>
    /// Reads Helm's stderr: Helm's whole error (the <c>Error:</c> line and the lines that continue it) and
    /// its kind, from the wording real Helm 3 and 4 print (produced by the real-Helm test suites).
    /// </summary>
    public static class HelmErrors
    {
        /// <summary>Longer errors are cut here: a chart with hundreds of objects can list them all.</summary>
        public const int MaxLength = 4000;

        private static readonly Regex MultiErrorHeader = new Regex(@"^\d+ errors? occurred:$", RegexOptions.CultureInvariant);

        /// <summary>
        /// What went wrong, on one line: the last <c>Error:</c> line with the lines continuing it (Helm 3's
        /// "1 error occurred:" list items, Helm 4's "context deadline exceeded" after the resource that is not
        /// ready), joined with "; ", without the usage text. Without an error line, the last line printed;
        /// without any, the exit code (or signal) in words.
        /// </summary>
        public static string ErrorLine(string stderr, int exitCode = 1)
        {
            string[] lines = stderr.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
            int at = Array.FindLastIndex(lines, l => l.StartsWith("Error: ", StringComparison.Ordinal));
            if (at < 0)
            {
                string? last = lines.LastOrDefault(l => l.Trim().Length > 0);
                return last ?? ToolRunner.SilentFailure("helm", exitCode);
            }
            var parts = new List<string> { lines[at].Substring("Error: ".Length).Trim() };
            foreach (string line in lines.Skip(at + 1))
            {
                if (line.StartsWith("Usage:", StringComparison.Ordinal)) break;
                string text = line.Trim();
                if (text.Length > 0) parts.Add(text.StartsWith("* ", StringComparison.Ordinal) ? text.Substring(2) : text);
            }
            if (parts.Count > 1 && MultiErrorHeader.IsMatch(parts[0])) parts.RemoveAt(0);
            string joined = string.Join("; ", parts);
            return joined.Length <= MaxLength ? joined : joined.Substring(0, MaxLength - 1) + "…";
        }

        private static readonly Regex OciReferenceNotFound = new Regex(@"[a-z0-9.-]+(:[0-9]+)?/\S+[@:]\S+: not found$", RegexOptions.CultureInvariant);

        public static HelmErrorKind Classify(string message)
        {
            string m = message.ToLowerInvariant();
            if (m.Contains("kubernetes cluster unreachable")) return HelmErrorKind.ClusterUnreachable;
            if (m.Contains("another operation (install/upgrade/rollback) is in progress")) return HelmErrorKind.PendingOperation;
            if (m.Contains("an error occurred while rolling back the release") || m.Contains("has been rolled back due to")) return HelmErrorKind.RollbackOnFailure;
            if (m.Contains("401 unauthorized") || m.Contains("403 forbidden") || m.Contains("basic credential not found")
                || m.Contains("unauthorized: authentication required") || m.Contains("invalid username/password")
                || m.Contains("pull access denied") || m.Contains("authorization failed")) return HelmErrorKind.AuthenticationFailed;
            if (m.Contains("x509: ") || m.Contains("tls: ") || m.Contains("server gave http response to https client")) return HelmErrorKind.TlsFailure;
            if (m.Contains("is not a valid chart repository or cannot be reached") && !m.Contains("404 not found")
                || m.Contains("connection refused") || m.Contains("no such host")) return HelmErrorKind.RepoUnreachable;
            if (m.Contains(" is forbidden: user ")) return HelmErrorKind.Forbidden;
            if (m.Contains("apply failed with") && m.Contains("conflict")) return HelmErrorKind.FieldConflict;
            if (m.Contains("context deadline exceeded") || m.Contains("timed out waiting") || m.Contains(" not ready. status: ")) return HelmErrorKind.Timeout;
            if (m.Contains("cannot re-use a name that is still in use") || m.Contains("exists and cannot be imported into the current release")) return HelmErrorKind.ReleaseNameInUse;
            if (m.Contains("values don't meet the specifications of the schema") || m.Contains("execution error at (")) return HelmErrorKind.InvalidValues;
            if (m.Contains("parse error at (") || m.StartsWith("template: ", StringComparison.Ordinal) || m.Contains("chart.metadata")
                || m.Contains("chart.yaml file is missing") || m.StartsWith("validation: chart", StringComparison.Ordinal)
                || m.Contains("unable to build kubernetes objects from release manifest") || m.Contains("error converting yaml to json")) return HelmErrorKind.InvalidChart;
            if (m.StartsWith("repo ", StringComparison.Ordinal) && m.Contains(" not found")) return HelmErrorKind.RepoNotFound;
            if ((m.StartsWith("chart \"", StringComparison.Ordinal) && m.Contains("not found"))
                || (m.StartsWith("path \"", StringComparison.Ordinal) && m.EndsWith("not found", StringComparison.Ordinal))
                || m.Contains("no chart version found") || m.Contains("failed to fetch")
                // An OCI reference the registry lacks: "host/charts/web@sha256:…: not found" (a tag likewise).
                || OciReferenceNotFound.IsMatch(m)) return HelmErrorKind.ChartNotFound;
            if (m.StartsWith("release has no ", StringComparison.Ordinal) && m.EndsWith(" version", StringComparison.Ordinal)) return HelmErrorKind.RevisionNotFound;
            if (m.Contains("release: not found") || m.Contains("has no deployed releases")) return HelmErrorKind.ReleaseNotFound;
            if (m.StartsWith("upgrade failed:", StringComparison.Ordinal)) return HelmErrorKind.UpgradeFailed;
            if (m.StartsWith("invalid argument", StringComparison.Ordinal) || m.StartsWith("unknown flag", StringComparison.Ordinal)
                || m.Contains("requires") && m.Contains("argument")) return HelmErrorKind.InvalidArgument;
            if (m.Contains("failed, and has been uninstalled") || m.StartsWith("release ", StringComparison.Ordinal) && m.Contains(" failed")) return HelmErrorKind.InstallFailed;
            return HelmErrorKind.Unknown;
        }

        /// <summary>What the user can do about a kind of Helm failure; null where Helm's message says enough.</summary>
        public static NextStep? NextStepFor(HelmErrorKind kind) => kind switch
        {
            HelmErrorKind.AuthenticationFailed => new NextStep(NextStepKind.CheckRepositoryCredentials),
            HelmErrorKind.RepoUnreachable => new NextStep(NextStepKind.CheckRepositoryAddress),
            HelmErrorKind.TlsFailure => new NextStep(NextStepKind.CheckRepositoryTls),
            HelmErrorKind.ChartNotFound => new NextStep(NextStepKind.CheckChartVersion),
            HelmErrorKind.InvalidChart => new NextStep(NextStepKind.FixChart),
            HelmErrorKind.InvalidValues => new NextStep(NextStepKind.FixValues),
            HelmErrorKind.ReleaseNameInUse => new NextStep(NextStepKind.FreeReleaseName),
            HelmErrorKind.FieldConflict => new NextStep(NextStepKind.ResolveFieldConflict),
            HelmErrorKind.Forbidden => new NextStep(NextStepKind.GetPermission),
            HelmErrorKind.Timeout => new NextStep(NextStepKind.CheckReadiness),
            HelmErrorKind.RollbackOnFailure => new NextStep(NextStepKind.CheckReadiness),
            HelmErrorKind.ClusterUnreachable => new NextStep(NextStepKind.CheckCluster),
            // Helm refuses every change to a release stuck pending until it is recovered.
            HelmErrorKind.PendingOperation => new NextStep(NextStepKind.RecoverStuckRelease),
            _ => null,
        };
    }
}
