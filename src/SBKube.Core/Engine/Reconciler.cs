using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// Finishes pending rows left by a killed run: deployed when Helm finished the work, failed
    /// ("interrupted") when it did not. Rows whose owning process still runs are left alone.
    /// </summary>
    public static class Reconciler
    {
        /// <summary>Rows from another host count as abandoned after this long (their process cannot be checked).</summary>
        private static readonly TimeSpan ForeignOwnerGrace = TimeSpan.FromHours(1);

        public static async Task<IReadOnlyList<DeploymentRecord>> ReconcileAsync(EngineSession session, string? ns,
            CancellationToken ct = default)
        {
            var done = new List<DeploymentRecord>();
            foreach (DeploymentRecord row in session.Store.Pending(ns))
            {
                if (!IsAbandoned(row))
                {
                    continue;
                }
                done.Add(await ReconcileRowAsync(session, row, ct).ConfigureAwait(false));
            }
            return done;
        }

        private static bool IsAbandoned(DeploymentRecord row)
        {
            if (row.OwnerPid == null)
            {
                return true;
            }
            if (string.Equals(row.OwnerHost, CurrentProcess.Host, StringComparison.OrdinalIgnoreCase))
            {
                return !CurrentProcess.IsAlive(row.OwnerPid, row.OwnerHost);
            }
            return DateTime.UtcNow - row.DeployedAt > ForeignOwnerGrace;
        }

        private static async Task<DeploymentRecord> ReconcileRowAsync(EngineSession session, DeploymentRecord row, CancellationToken ct)
        {
            string description = row.Description ?? "";
            if (row.AppType != "helm")
            {
                return Finish(session, row, DeploymentStatus.Failed, null, $"{description} (FAILED: interrupted)");
            }
            IReadOnlyList<HelmHistoryEntry> history;
            try
            {
                history = await session.Helm.HistoryOrEmptyAsync(row.ReleaseName, row.Namespace, ct).ConfigureAwait(false);
            }
            catch (HelmException e)
            {
                session.Log.Warning($"{row.Namespace}/{row.App} revision {row.Revision} was interrupted; Helm cannot be asked now ({e.HelmMessage}). It stays {row.Status}.");
                return row;
            }
            HelmHistoryEntry? latest = history.OrderBy(h => h.Revision).LastOrDefault();
            int previousHelmRevision = session.Store.History(row.Namespace, row.App, row.Context)
                .Where(r => r.Id != row.Id && r.HelmRevision.HasValue)
                .Select(r => r.HelmRevision!.Value)
                .DefaultIfEmpty(0)
                .Max();

            if (row.Status == DeploymentStatus.Uninstalling)
            {
                bool gone = latest == null || latest.Status == DeploymentStatus.Uninstalled;
                return gone
                    ? Finish(session, row, DeploymentStatus.Uninstalled, row.HelmRevision, $"{description} (completed; recovered after interruption)")
                    : Finish(session, row, DeploymentStatus.Failed, null, $"{description} (FAILED: interrupted)");
            }
            if (latest != null && latest.Revision > previousHelmRevision && latest.Status == DeploymentStatus.Deployed)
            {
                return Finish(session, row, DeploymentStatus.Deployed, latest.Revision, $"{description} (recovered: Helm finished after the run was interrupted)");
            }
            if (latest != null && DeploymentStatus.IsPending(latest.Status))
            {
                DeploymentRecord? deployed = session.Store.GetDeployed(row.Namespace, row.App, row.Context);
                session.Log.Warning(
                    $"Helm release '{row.ReleaseName}' in '{row.Namespace}' is stuck in {latest.Status} (a helm process was killed). " +
                    (deployed != null
                        ? $"Unstick it with: Invoke-SbkubeRollback -Namespace {row.Namespace} -App {row.App} -Revision {deployed.Revision}"
                        : $"Unstick it with: helm rollback {row.ReleaseName} -n {row.Namespace}, or Remove-SbkubeApp -Namespace {row.Namespace} -App {row.App}"));
            }
            return Finish(session, row, DeploymentStatus.Failed, null, $"{description} (FAILED: interrupted)");
        }

        private static DeploymentRecord Finish(EngineSession session, DeploymentRecord row, string status, int? helmRevision, string description)
        {
            session.Log.Verbose($"Reconciled {row.Namespace}/{row.App} revision {row.Revision}: {row.Status} → {status}.");
            return session.Store.FinishDeployment(row.Id, status, helmRevision, description, HistoryAction.Reconcile);
        }
    }
}
