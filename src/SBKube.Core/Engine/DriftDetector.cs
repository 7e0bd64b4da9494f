using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>Compares what SBKube recorded with what Helm reports for the same release.</summary>
    public static class DriftDetector
    {
        /// <param name="knownHelmRevision">The newest Helm revision SBKube recorded for the app (failed attempts included).</param>
        /// <returns>A description of the drift, or null when Helm agrees with the record.</returns>
        public static string? Compare(DeploymentRecord deployed, HelmListEntry? helm, int? knownHelmRevision = null)
        {
            if (helm == null)
            {
                return "release missing from Helm (drift)";
            }
            int? known = Max(knownHelmRevision, deployed.HelmRevision);
            if (known.HasValue && helm.Revision != known.Value)
            {
                return $"drift: Helm is at revision {helm.Revision}, SBKube recorded {known.Value}" +
                    (helm.Revision > known.Value ? " (helm was run outside SBKube, or the state store was behind Helm)" : "");
            }
            // A failed attempt SBKube recorded leaves Helm's latest revision failed: that is known, not drift.
            if (helm.Revision == deployed.HelmRevision && helm.Status != DeploymentStatus.Deployed)
            {
                return $"drift: Helm reports the release as {helm.Status}";
            }
            return null;
        }

        /// <summary>
        /// For an app the store has no deployed revision of: Helm has a newer revision of its release than any the
        /// store recorded (its rows were deleted, or the store was restored from an older copy); null otherwise.
        /// </summary>
        /// <remarks>A release Helm shows uninstalled (its history kept) has nothing deployed for the store to be behind.</remarks>
        public static string? StoreBehind(HelmListEntry? helm, int? knownHelmRevision) =>
            helm != null && helm.Status != DeploymentStatus.Uninstalled && helm.Revision > (knownHelmRevision ?? 0)
                ? $"the state store was behind Helm: Helm is at revision {helm.Revision}, the store knew " +
                  (knownHelmRevision?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")
                : null;

        private static int? Max(int? a, int? b) => a.HasValue && b.HasValue ? Math.Max(a.Value, b.Value) : a ?? b;

        /// <summary>Every deployed Helm app (optionally of one namespace/app) whose release drifted; reads helm list once per namespace.</summary>
        public static Task<IReadOnlyList<DriftReport>> FindAsync(EngineSession session, IStateQueries state, string? ns, string? app,
            CancellationToken ct = default) =>
            ReportAsync(session, state.List(ns, app, ContextFilter(session), latestOnly: false)
                .Where(r => r.Status == DeploymentStatus.Deployed && r.Kind == AppType.Helm),
                (deployed, helm, known) => Compare(deployed, helm, known), ct);

        /// <summary>
        /// Every Helm app of the session's context whose release Helm has moved past the newest Helm revision the
        /// store recorded (after a restore of an older copy, or rows deleted by hand); reads helm list once per namespace.
        /// </summary>
        public static Task<IReadOnlyList<DriftReport>> FindHelmAheadAsync(EngineSession session, IStateQueries state, CancellationToken ct = default) =>
            ReportAsync(session, state.List(null, null, ContextFilter(session), latestOnly: true).Where(r => r.Kind == AppType.Helm),
                (_, helm, known) => StoreBehind(helm, known), ct);

        private static string? ContextFilter(EngineSession session) => session.Context.Length == 0 ? null : session.Context;

        /// <summary>Compares each row with its release in Helm's list (read once per namespace); reports the rows <paramref name="differs"/> names.</summary>
        private static async Task<IReadOnlyList<DriftReport>> ReportAsync(EngineSession session, IEnumerable<DeploymentRecord> rows,
            Func<DeploymentRecord, HelmListEntry?, int?, string?> differs, CancellationToken ct)
        {
            var reports = new List<DriftReport>();
            foreach (IGrouping<string, DeploymentRecord> group in rows.GroupBy(r => r.Namespace))
            {
                IReadOnlyList<HelmListEntry> releases = await session.Helm.ListAsync(group.Key, ct).ConfigureAwait(false);
                foreach (DeploymentRecord row in group)
                {
                    HelmListEntry? helm = releases.FirstOrDefault(r => r.Name == row.ReleaseName);
                    int? known = session.Deployments.MaxHelmRevision(row.Namespace, row.App, row.Context);
                    if (differs(row, helm, known) is string drift)
                    {
                        reports.Add(new DriftReport
                        {
                            Namespace = row.Namespace,
                            App = row.App,
                            ReleaseName = row.ReleaseName,
                            Revision = row.Revision,
                            RecordedHelmRevision = known ?? row.HelmRevision,
                            HelmRevision = helm?.Revision,
                            HelmStatus = helm?.Status,
                            Drift = drift,
                        });
                    }
                }
            }
            return reports;
        }
    }
}
