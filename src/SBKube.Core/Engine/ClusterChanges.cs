using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.Kubectl;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// Every change SBKube makes to a cluster, each fenced by construction: before helm or kubectl is asked to change
    /// an app, the session must still hold the locks that cover it (LockLost otherwise). Reads go to the clients.
    /// </summary>
    public sealed class ClusterChanges
    {
        private readonly HelmClient _helm;
        private readonly KubectlClient _kubectl;
        private readonly LockRegistry _locks;

        internal ClusterChanges(HelmClient helm, KubectlClient kubectl, LockRegistry locks)
        {
            _helm = helm;
            _kubectl = kubectl;
            _locks = locks;
        }

        /// <summary>Deploys a snapshot: helm upgrade --install with the recorded values, or kubectl apply of the recorded manifests.</summary>
        public async Task<DeployOutcome> DeployAsync(RevisionSnapshot s, string app, string? description, CancellationToken ct)
        {
            _locks.EnsureHeld(s.Namespace, app);
            if (s.Kind == AppType.Yaml)
            {
                await _kubectl.ApplyAsync(ManifestStream(s, withNamespace: s.CreateNamespace), s.Namespace, ct).ConfigureAwait(false);
                return new DeployOutcome(null, null, null);
            }
            HelmRelease release = await _helm.UpgradeInstallAsync(UpgradeRequest(s, description), ct).ConfigureAwait(false);
            return new DeployOutcome(release.Version, release.ChartName, release.ChartVersion);
        }

        /// <summary>helm rollback of one app's release to a revision Helm still has.</summary>
        public Task RollbackAsync(HelmRollbackRequest request, string app, CancellationToken ct)
        {
            _locks.EnsureHeld(request.Namespace, app);
            return _helm.RollbackAsync(request, ct);
        }

        /// <summary>Removes what a snapshot deployed: helm uninstall (history kept) or kubectl delete.</summary>
        public async Task RemoveAsync(RevisionSnapshot s, string app, CancellationToken ct)
        {
            if (s.Kind == AppType.Yaml)
            {
                _locks.EnsureHeld(s.Namespace, app);
                await _kubectl.DeleteAsync(ManifestStream(s, withNamespace: false), s.Namespace, ct).ConfigureAwait(false);
                return;
            }
            await UninstallAsync(s.ReleaseName, s.Namespace, app, ct).ConfigureAwait(false);
        }

        /// <summary>helm uninstall of one app's release, its history kept.</summary>
        public Task UninstallAsync(string release, string ns, string app, CancellationToken ct)
        {
            _locks.EnsureHeld(ns, app);
            return _helm.UninstallAsync(release, ns, keepHistory: true, ct);
        }

        /// <summary>kubectl rollout restart of an app's workloads (kind/name), so their pods are made anew.</summary>
        public Task RestartAsync(string ns, IReadOnlyList<string> workloads, string app, CancellationToken ct)
        {
            _locks.EnsureHeld(ns, app);
            return _kubectl.RolloutRestartAsync(ns, workloads, ct);
        }

        /// <summary>The helm upgrade --install of a snapshot: its chart, version, values and options as recorded.</summary>
        internal static HelmUpgradeRequest UpgradeRequest(RevisionSnapshot s, string? description) => new HelmUpgradeRequest
        {
            Release = s.ReleaseName,
            Chart = s.ChartPath ?? s.ChartRef ?? throw new InvalidOperationException("The snapshot has no chart."),
            Namespace = s.Namespace,
            // Helm takes a chart folder as it is; --version applies to repository and OCI charts.
            Version = s.ChartPath == null ? s.ChartVersion : null,
            Wait = s.Wait,
            Timeout = s.Timeout,
            Atomic = s.Atomic,
            CreateNamespace = s.CreateNamespace,
            HistoryMax = s.HistoryMax,
            Description = description,
            Values = s.Values.ToJsonString(),
            Access = s.ChartAccess,
            Apply = s.Apply,
        };

        /// <summary>
        /// The manifests of a snapshot as one YAML stream for <c>kubectl -f -</c>: each file starts a
        /// new document, so a file without a trailing newline or a leading <c>---</c> cannot merge into the next.
        /// </summary>
        /// <param name="withNamespace">
        /// Leads with the namespace itself, the way Helm's --create-namespace makes it: kubectl apply does
        /// not create the namespace it applies into. Never on delete, which must leave the namespace.
        /// </param>
        private static string ManifestStream(RevisionSnapshot s, bool withNamespace)
        {
            var sb = new System.Text.StringBuilder();
            if (withNamespace)
            {
                sb.Append("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ").Append(s.Namespace).Append('\n');
            }
            foreach (ManifestFile m in s.Manifests)
            {
                sb.Append("---\n").Append(m.Content);
                if (!m.Content.EndsWith("\n", StringComparison.Ordinal))
                {
                    sb.Append('\n');
                }
            }
            return sb.ToString();
        }
    }
}
