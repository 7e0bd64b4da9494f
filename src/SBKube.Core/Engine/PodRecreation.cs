using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.Kubectl;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// A forced rollback's "recreate the pods": every Deployment, StatefulSet and DaemonSet the app now runs
    /// is restarted with <c>kubectl rollout restart</c>. The same on Helm 3 and 4 and whatever apply method
    /// a release uses (Helm 4 has no --recreate-pods, and its --force-replace refuses server-side-applied
    /// releases); the controllers replace the pods in their usual rolling way.
    /// </summary>
    internal static class PodRecreation
    {
        private static readonly string[] Workloads = { "Deployment", "StatefulSet", "DaemonSet" };

        public static async Task RunAsync(EngineSession session, RevisionSnapshot s, string app, CancellationToken ct)
        {
            IEnumerable<ManifestFile> manifests = s.Kind == AppType.Yaml
                ? s.Manifests
                : new[] { new ManifestFile("helm get manifest", await session.Helm.GetManifestAsync(s.ReleaseName, s.Namespace, ct).ConfigureAwait(false)) };
            if (!ManifestComparer.TryObjects(manifests, out IReadOnlyList<ManifestObject> objects))
            {
                session.Log.Warning($"{s.Namespace}/{s.ReleaseName}: its manifest could not be read, so no pods were recreated.");
                return;
            }
            // Key is Kind/name, or Kind/namespace/name for an object that names its namespace.
            var targets = objects.Select(o => o.Key.Split('/'))
                .Where(k => Workloads.Contains(k[0], StringComparer.Ordinal) && (k.Length == 2 || k[1] == s.Namespace))
                .Select(k => k[0].ToLowerInvariant() + "/" + k[k.Length - 1]).ToList();
            if (targets.Count == 0)
            {
                session.Log.Verbose($"{s.Namespace}/{s.ReleaseName}: no Deployment, StatefulSet or DaemonSet whose pods to recreate.");
                return;
            }
            session.Log.Verbose($"{s.Namespace}/{s.ReleaseName}: recreating the pods of {string.Join(", ", targets)}.");
            await session.Changes.RestartAsync(s.Namespace, targets, app, ct).ConfigureAwait(false);
        }
    }
}
