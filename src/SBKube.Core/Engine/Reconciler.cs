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
    /// <summary>A pending row and, while the run that wrote it may still be working, why it must be left alone.</summary>
    public sealed class PendingRevision
    {
        public PendingRevision(DeploymentRecord record, string? busyBecause)
        {
            Record = record;
            BusyBecause = busyBecause;
        }

        public DeploymentRecord Record { get; }
        public string? BusyBecause { get; }
        public bool IsBusy => BusyBecause != null;
    }

    /// <summary>
    /// Finishes pending rows left by a killed run: deployed when Helm finished the work, failed
    /// ("interrupted") when it did not. Only the operations that write (apply, rollback, delete, and
    /// Repair-SbkubeState) settle, each for its own kube context; reads only report pending rows.
    /// </summary>
    public static class Reconciler
    {
        /// <summary>
        /// Pending rows of the session's kube context (optionally one namespace or app), each with what keeps it
        /// from being settled now. Reads the store and /proc only: no Helm call, no write.
        /// </summary>
        public static IReadOnlyList<PendingRevision> Inspect(EngineSession session, string? ns = null, string? app = null)
        {
            var rows = session.Deployments.Pending(ns).Where(r => r.Context == session.Context && (app == null || r.App == app)).ToList();
            if (rows.Count == 0)
            {
                return Array.Empty<PendingRevision>();
            }
            IReadOnlyList<LockRecord> locks = session.Locks.InNamespace(ns);
            DateTime now = DateTime.UtcNow;
            return rows.Select(r => new PendingRevision(r, BusyBecause(r, locks, now))).ToList();
        }

        /// <summary>
        /// What apply, rollback and delete do under the app's lock before they act: settle what can be
        /// settled of that app in the session's context, and warn about both the settled and the rest.
        /// </summary>
        public static async Task SettleInterruptedAsync(EngineSession session, string ns, string app, CancellationToken ct)
        {
            foreach (PendingRevision p in Inspect(session, ns, app))
            {
                if (p.IsBusy)
                {
                    session.Log.Warning($"{p.Record} is left pending: {p.BusyBecause}.");
                    continue;
                }
                DeploymentRecord r = await SettleAsync(session, p.Record, ct).ConfigureAwait(false);
                session.Log.Warning($"{r.Namespace}/{r.App} revision {r.Revision} had been interrupted; now {r.Status}.");
            }
        }

        /// <summary>
        /// Why the run that wrote <paramref name="row"/> may still be working, or null when it cannot be:
        /// its process lives (this host), a helm or kubectl it started lives (this host), or it still
        /// holds a live lease (any host; the only sign a run on another host leaves).
        /// </summary>
        private static string? BusyBecause(DeploymentRecord row, IReadOnlyList<LockRecord> locks, DateTime now)
        {
            if (row.OwnerPid is not int pid)
            {
                return null;
            }
            if (CurrentProcess.IsThis(pid, row.OwnerHost, row.OwnerInstance))
            {
                return "this session wrote it and is still working on it";
            }
            // Another container of the same name, or this host before a reboot: only its lease can tell.
            bool here = CurrentProcess.CanJudge(row.OwnerHost, row.OwnerInstance);
            if (here && CurrentProcess.IsAlive(pid, row.OwnerHost, row.OwnerInstance))
            {
                return $"its run (process {pid}) is still working";
            }
            if (here && CurrentProcess.LiveChildOf(pid) is int child)
            {
                return $"process {child}, a helm or kubectl started by its run (process {pid}, now gone), is still working";
            }
            LockRecord? lease = locks.FirstOrDefault(l => l.Pid == pid
                && string.Equals(l.Host, row.OwnerHost, StringComparison.OrdinalIgnoreCase) && l.Instance == row.OwnerInstance
                && l.Context == row.Context && l.Namespace == row.Namespace
                && (l.App == row.App || l.App == LockRecord.WholeNamespace)
                && l.StaleBecause(now) == null);
            return lease == null ? null : $"its run still holds {lease} (lease until {lease.ExpiresAtUtc:yyyy-MM-dd HH:mm:ss} UTC)";
        }

        /// <summary>Settles one pending row against Helm (a manifest app cannot be asked: failed, interrupted).</summary>
        /// <param name="lostStatus">
        /// Set when the row's own run is settling it because Helm's exit status never arrived (the
        /// reason, for a failed row); null for a run that was interrupted.
        /// </param>
        public static async Task<DeploymentRecord> SettleAsync(EngineSession session, DeploymentRecord row, CancellationToken ct,
            string? lostStatus = null)
        {
            string description = row.Description ?? "";
            string failed = lostStatus == null ? $"{description} (FAILED: interrupted)" : $"{description} (FAILED: {lostStatus})";
            if (row.Kind != AppType.Helm)
            {
                return Finish(session, row, DeploymentStatus.Failed, null, failed);
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
            int previousHelmRevision = session.Deployments.History(row.Namespace, row.App, row.Context)
                .Where(r => r.Id != row.Id && r.HelmRevision.HasValue)
                .Select(r => r.HelmRevision!.Value)
                .DefaultIfEmpty(0)
                .Max();

            if (row.Status == DeploymentStatus.Uninstalling)
            {
                bool gone = latest == null || latest.Status == DeploymentStatus.Uninstalled;
                return gone
                    ? Finish(session, row, DeploymentStatus.Uninstalled, row.HelmRevision, lostStatus == null
                        ? $"{description} (completed; recovered after interruption)"
                        : $"{description} (completed: its exit status was lost, and Helm has no such release left)")
                    : Finish(session, row, DeploymentStatus.Failed, null, failed);
            }
            if (latest != null && latest.Revision > previousHelmRevision && latest.Status == DeploymentStatus.Deployed)
            {
                return Finish(session, row, DeploymentStatus.Deployed, latest.Revision, lostStatus == null
                    ? $"{description} (recovered: Helm finished after the run was interrupted)"
                    : $"{description} (its exit status was lost; Helm's history shows revision {latest.Revision} deployed)");
            }
            if (latest != null && DeploymentStatus.IsPending(latest.Status))
            {
                var unstick = new NextStep(NextStepKind.RecoverStuckRelease) { Namespace = row.Namespace, App = row.App };
                session.Log.Warning(
                    $"Helm release '{row.ReleaseName}' in '{row.Namespace}' is stuck in {latest.Status} (a helm process was killed).", unstick);
            }
            return Finish(session, row, DeploymentStatus.Failed, null, failed);
        }

        private static DeploymentRecord Finish(EngineSession session, DeploymentRecord row, string status, int? helmRevision, string description)
        {
            session.Log.Verbose($"Reconciled {row.Namespace}/{row.App} revision {row.Revision}: {row.Status} → {status}.");
            return session.Deployments.FinishDeployment(row.Id, status, helmRevision, description, HistoryAction.Reconcile);
        }
    }
}
