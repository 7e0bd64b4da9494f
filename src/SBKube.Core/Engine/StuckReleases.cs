using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// A Helm release whose newest revision stays pending-install, -upgrade or -rollback: the helm that
    /// wrote it was killed or timed out, and Helm refuses every change until it is recovered.
    /// </summary>
    public sealed class StuckRelease
    {
        internal StuckRelease(DeploymentRecord latest, HelmHistoryEntry pending, int? deployedHelmRevision, string? busyBecause)
        {
            Latest = latest;
            Pending = pending;
            DeployedHelmRevision = deployedHelmRevision;
            BusyBecause = busyBecause;
        }

        /// <summary>The store's newest revision of the app: its release, context and (for a rollback) snapshot.</summary>
        public DeploymentRecord Latest { get; }
        public HelmHistoryEntry Pending { get; }
        /// <summary>The Helm revision still marked deployed, the one to roll back to; null when there is none (a first install).</summary>
        public int? DeployedHelmRevision { get; }
        /// <summary>Why it must be left alone now (a run may still be at work on it), or null when it is orphaned.</summary>
        public string? BusyBecause { get; }
        public bool IsBusy => BusyBecause != null;

        /// <summary>What recovering it does, as Helm's maintainers advise.</summary>
        public string Recovery => DeployedHelmRevision is int r
            ? $"roll back to Helm revision {r.ToString(CultureInfo.InvariantCulture)}"
            : "uninstall it, keeping its history (its first install never finished)";

        public override string ToString() =>
            $"Helm release '{Latest.ReleaseName}' in '{Latest.Namespace}' is stuck in {Pending.Status} (Helm revision " +
            $"{Pending.Revision.ToString(CultureInfo.InvariantCulture)}{(Pending.Updated is DateTime at ? ", since " + StateStore.FormatTime(at) + " UTC" : "")})";
    }

    /// <summary>
    /// Finds releases stuck pending and recovers the orphaned ones. SBKube can tell an orphan from a release
    /// another run is still changing: it knows its own runs' leases and pending rows. A pending revision no
    /// SBKube run accounts for (a helm run by hand or by another tool) counts as orphaned only once it is
    /// older than Helm's default timeout.
    /// </summary>
    public static class StuckReleases
    {
        /// <summary>Helm's default --timeout: a helm SBKube did not start is given this long before its release counts as orphaned.</summary>
        public static readonly TimeSpan ForeignHelmTimeout = TimeSpan.FromMinutes(5);

        /// <summary>The app's release when Helm shows it stuck pending (one helm history call), else null.</summary>
        public static async Task<StuckRelease?> FindAsync(EngineSession session, DeploymentRecord latest, CancellationToken ct)
        {
            if (latest.Kind != AppType.Helm)
            {
                return null;
            }
            IReadOnlyList<HelmHistoryEntry> history = await session.Helm.HistoryOrEmptyAsync(latest.ReleaseName, latest.Namespace, ct)
                .ConfigureAwait(false);
            HelmHistoryEntry? newest = history.OrderBy(h => h.Revision).LastOrDefault();
            if (newest == null || !DeploymentStatus.IsPending(newest.Status) || newest.Status == DeploymentStatus.Uninstalling)
            {
                return null;
            }
            int? deployed = history.Where(h => h.Status == DeploymentStatus.Deployed).Select(h => (int?)h.Revision).Max();
            return new StuckRelease(latest, newest, deployed, BusyBecause(session, latest, newest));
        }

        private static string? BusyBecause(EngineSession session, DeploymentRecord latest, HelmHistoryEntry pending)
        {
            DateTime now = DateTime.UtcNow;
            LockRecord? held = session.Locks.InNamespace(latest.Namespace).FirstOrDefault(l => l.Context == latest.Context
                && (l.App == latest.App || l.App == LockRecord.WholeNamespace) && !l.IsFreeze && l.StaleBecause(now) == null
                && !CurrentProcess.IsThis(l.Pid, l.Host, l.Instance));
            if (held != null)
            {
                return $"an SBKube run holds {held}";
            }
            PendingRevision? working = Reconciler.Inspect(session, latest.Namespace, latest.App).FirstOrDefault(p => p.IsBusy);
            if (working != null)
            {
                return $"{working.Record}: {working.BusyBecause}";
            }
            // An interrupted SBKube run accounts for it: a row of the app, pending or settled as interrupted, that
            // began shortly before Helm wrote the pending revision (SBKube writes its row first, then runs helm).
            TimeSpan age = pending.Updated is DateTime at ? now - at : TimeSpan.Zero;
            bool ours = pending.Updated is DateTime written && session.Deployments.History(latest.Namespace, latest.App, latest.Context, limit: 20)
                .Any(r => (DeploymentStatus.IsPending(r.Status) || (r.Description ?? "").EndsWith("(FAILED: interrupted)", StringComparison.Ordinal))
                    && written - r.DeployedAtUtc > TimeSpan.FromMinutes(-1) && written - r.DeployedAtUtc < ForeignHelmTimeout);
            return ours || age > ForeignHelmTimeout
                ? null
                : $"no SBKube run accounts for it, and a helm started elsewhere may still be at work on it (it counts as orphaned " +
                  $"{(ForeignHelmTimeout - age).TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} minute(s) from now)";
        }

        /// <summary>
        /// Recovers an orphaned release under the app's lock, checking again once the lock is held, and records
        /// the recovery as a revision of its own (action "recover"). Null when it was no longer stuck.
        /// </summary>
        /// <exception cref="SbkubeException">ResourceBusy when a run is at work on it after all.</exception>
        public static async Task<AppResult?> RecoverAsync(EngineSession session, StuckRelease stuck, CancellationToken ct)
        {
            DeploymentRecord row = stuck.Latest;
            using LockLease appLock = await session.Locks.LockAsync(row.Namespace, row.App, "recover", TimeSpan.Zero, ct).ConfigureAwait(false);
            DeploymentRecord latest = session.Deployments.GetLatest(row.Namespace, row.App, row.Context) ?? row;
            StuckRelease? now = await FindAsync(session, latest, ct).ConfigureAwait(false);
            if (now == null)
            {
                return null;
            }
            if (now.IsBusy)
            {
                throw new SbkubeException($"{now} and is left alone: {now.BusyBecause}.", ErrorIds.ReleaseBusy, ErrorKind.ResourceBusy, row.App);
            }
            DeploymentRecord? basis = now.DeployedHelmRevision is int target
                ? session.Deployments.History(row.Namespace, row.App, row.Context).LastOrDefault(r => r.HelmRevision == target)
                    ?? session.Deployments.GetDeployed(row.Namespace, row.App, row.Context)
                : null;
            DeploymentRecord from = basis ?? latest;
            string description = $"Recovered from {now.Pending.Status} (Helm revision {now.Pending.Revision.ToString(CultureInfo.InvariantCulture)}): {now.Recovery}";
            var result = new AppResult
            {
                Namespace = row.Namespace, App = row.App, ReleaseName = row.ReleaseName, Operation = HistoryAction.Recover,
                Chart = from.Chart, Description = description,
            };
            var pendingRow = new NewDeployment
            {
                Context = row.Context, Namespace = row.Namespace, App = row.App, ReleaseName = row.ReleaseName, AppType = row.AppType,
                Chart = from.Chart, ChartRef = from.ChartRef, ChartVersion = from.ChartVersion,
                Status = basis != null ? DeploymentStatus.PendingRollback : DeploymentStatus.Uninstalling,
                Description = description, Config = from.Config, ConfigHash = from.ConfigHash,
            };
            string success = basis != null ? AppOutcome.RolledBack : AppOutcome.Uninstalled;
            await RevisionRecorder.RecordAsync(session, result, new ChangeToRecord(pendingRow, HistoryAction.Recover, success, "Recover", async () =>
            {
                if (now.DeployedHelmRevision is int revision)
                {
                    await session.Changes.RollbackAsync(new HelmRollbackRequest { Release = row.ReleaseName, Namespace = row.Namespace, Revision = revision },
                        row.App, CancellationToken.None).ConfigureAwait(false);
                    int? made = (await session.Helm.HistoryOrEmptyAsync(row.ReleaseName, row.Namespace, CancellationToken.None).ConfigureAwait(false))
                        .Select(h => (int?)h.Revision).Max();
                    return new RecordedChange(DeploymentStatus.Deployed, made, description);
                }
                await session.Changes.UninstallAsync(row.ReleaseName, row.Namespace, row.App, CancellationToken.None).ConfigureAwait(false);
                return new RecordedChange(DeploymentStatus.Uninstalled, null, description);
            })).ConfigureAwait(false);
            return result;
        }
    }
}
