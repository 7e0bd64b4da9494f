using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>A release whose Helm state differs from what SBKube recorded (someone ran helm by hand).</summary>
    public sealed class DriftReport
    {
        public string Namespace { get; set; } = "";
        public string App { get; set; } = "";
        public string ReleaseName { get; set; } = "";
        public int Revision { get; set; }
        public int? RecordedHelmRevision { get; set; }
        public int? HelmRevision { get; set; }
        public string? HelmStatus { get; set; }
        public string Drift { get; set; } = "";
    }

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
                return $"drift: Helm is at revision {helm.Revision}, SBKube recorded {known.Value}";
            }
            // A failed attempt SBKube recorded leaves Helm's latest revision failed: that is known, not drift.
            if (helm.Revision == deployed.HelmRevision && helm.Status != DeploymentStatus.Deployed)
            {
                return $"drift: Helm reports the release as {helm.Status}";
            }
            return null;
        }

        private static int? Max(int? a, int? b) => a.HasValue && b.HasValue ? Math.Max(a.Value, b.Value) : a ?? b;

        /// <summary>Every deployed Helm app (optionally of one namespace/app) whose release drifted; reads helm list once per namespace.</summary>
        public static async Task<IReadOnlyList<DriftReport>> FindAsync(EngineSession session, string? ns, string? app,
            CancellationToken ct = default)
        {
            var reports = new List<DriftReport>();
            IEnumerable<IGrouping<string, DeploymentRecord>> byNamespace = session.Store
                .List(ns, app, session.Context.Length == 0 ? null : session.Context, latestOnly: false)
                .Where(r => r.Status == DeploymentStatus.Deployed && r.AppType == "helm")
                .GroupBy(r => r.Namespace);
            foreach (IGrouping<string, DeploymentRecord> group in byNamespace)
            {
                IReadOnlyList<HelmListEntry> releases = await session.Helm.ListAsync(group.Key, ct).ConfigureAwait(false);
                foreach (DeploymentRecord deployed in group)
                {
                    HelmListEntry? helm = releases.FirstOrDefault(r => r.Name == deployed.ReleaseName);
                    string? drift = Compare(deployed, helm, session.Store.MaxHelmRevision(deployed.Namespace, deployed.App, deployed.Context));
                    if (drift != null)
                    {
                        reports.Add(new DriftReport
                        {
                            Namespace = deployed.Namespace,
                            App = deployed.App,
                            ReleaseName = deployed.ReleaseName,
                            Revision = deployed.Revision,
                            RecordedHelmRevision = deployed.HelmRevision,
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
