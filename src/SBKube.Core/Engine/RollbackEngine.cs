using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    public sealed class RollbackOptions
    {
        /// <summary>Helm's --force: recreate resources (pods).</summary>
        public bool Force { get; set; }
        /// <summary>Roll back to a revision whose deployment failed.</summary>
        public bool AllowFailed { get; set; }
        public bool WhatIf { get; set; }
        /// <summary>Hold the namespace lock, not only the app's.</summary>
        public bool Lock { get; set; }
        public TimeSpan LockTimeout { get; set; } = TimeSpan.Zero;
    }

    /// <summary>
    /// Rolls an app back to any recorded revision: <c>helm rollback</c> while Helm still has that
    /// revision, otherwise a redeploy of the stored snapshot (past Helm's history limit, after a delete).
    /// </summary>
    public sealed class RollbackEngine
    {
        private readonly EngineSession _session;

        public RollbackEngine(EngineSession session)
        {
            _session = session;
        }

        /// <summary>Checks the target and describes the plan; throws <see cref="SbkubeException"/> for a bad target.</summary>
        public RollbackPlan Plan(string ns, string app, RevisionRef revision, RollbackOptions options)
        {
            DeploymentRecord target = revision.Resolve(_session.Store, ns, app, NullIfEmpty(_session.Context));
            if (target.Status == DeploymentStatus.Failed && !options.AllowFailed)
            {
                throw new SbkubeException(
                    $"Revision {target.Revision} of {ns}/{app} failed to deploy; roll back to it only with -AllowFailed.",
                    "RollbackTargetFailed", SbkubeException.InvalidOperation, target);
            }
            if (DeploymentStatus.IsPending(target.Status))
            {
                throw new SbkubeException(
                    $"Revision {target.Revision} of {ns}/{app} never finished ({target.Status}); pick a finished revision.",
                    "RollbackTargetPending", SbkubeException.InvalidOperation, target);
            }
            if (string.IsNullOrEmpty(target.Config))
            {
                throw new SbkubeException(
                    $"Revision {target.Revision} of {ns}/{app} has no stored snapshot to redeploy.",
                    "SnapshotMissing", SbkubeException.InvalidData, target);
            }
            return new RollbackPlan(target, RevisionSnapshot.FromJson(target.Config!));
        }

        public async Task<AppResult> RunAsync(RollbackPlan plan, RollbackOptions options, CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            DeploymentRecord target = plan.Target;
            RevisionSnapshot snapshot = plan.Snapshot;
            _session.Redactor.Learn(snapshot.Values);
            string description = $"Rollback to revision {target.Revision}";
            var result = new AppResult
            {
                Namespace = target.Namespace,
                App = target.App,
                ReleaseName = target.ReleaseName,
                Operation = "rollback",
                Chart = target.Chart,
                Description = description,
            };

            int? helmRevision = snapshot.AppType == "helm" ? await HelmRevisionStillAvailableAsync(target, ct).ConfigureAwait(false) : null;
            string method = helmRevision.HasValue
                ? $"helm rollback {target.ReleaseName} {helmRevision}"
                : $"redeploy the stored snapshot of revision {target.Revision}";
            if (options.WhatIf)
            {
                result.Outcome = AppOutcome.Planned;
                result.Message = $"Would roll back {target.Namespace}/{target.App} to revision {target.Revision} ({target.Chart}): {method}.";
                return result;
            }

            using LockLease? namespaceLock = options.Lock
                ? await _session.LockAsync(target.Namespace, null, "rollback", options.LockTimeout, ct).ConfigureAwait(false)
                : null;
            using LockLease appLock = await _session.LockAsync(target.Namespace, target.App, "rollback", options.LockTimeout, ct)
                .ConfigureAwait(false);
            await Reconciler.SettleInterruptedAsync(_session, target.Namespace, target.App, ct).ConfigureAwait(false);
            DeploymentRecord pending = _session.Store.BeginDeployment(new NewDeployment
            {
                Context = target.Context,
                Namespace = target.Namespace,
                App = target.App,
                ReleaseName = target.ReleaseName,
                AppType = target.AppType,
                Chart = target.Chart,
                ChartRef = target.ChartRef,
                ChartVersion = target.ChartVersion,
                Status = DeploymentStatus.PendingRollback,
                Description = description,
                Config = target.Config,
                ConfigHash = target.ConfigHash,
            });
            try
            {
                _session.Log.Verbose($"{target.Namespace}/{target.App}: {method}");
                int? newHelmRevision;
                if (helmRevision.HasValue)
                {
                    _session.EnsureLocksHeld();
                    await _session.Helm.RollbackAsync(target.ReleaseName, target.Namespace, helmRevision.Value, options.Force,
                        snapshot.Wait, snapshot.Timeout, snapshot.HistoryMax, ct).ConfigureAwait(false);
                    IReadOnlyList<HelmHistoryEntry> after = await _session.Helm.HistoryAsync(target.ReleaseName, target.Namespace, ct).ConfigureAwait(false);
                    newHelmRevision = after.Count > 0 ? after.Max(h => h.Revision) : (int?)null;
                }
                else
                {
                    newHelmRevision = (await _session.DeployAsync(snapshot, options.Force, description, ct).ConfigureAwait(false)).HelmRevision;
                }
                DeploymentRecord done = _session.Store.FinishDeployment(pending.Id, DeploymentStatus.Deployed, newHelmRevision,
                    description, HistoryAction.Rollback);
                result.Outcome = AppOutcome.RolledBack;
                result.Record = done;
                result.Revision = done.Revision;
                result.HelmRevision = done.HelmRevision;
                result.Status = done.Status;
            }
            catch (Exception e) when (!(e is StateStoreException))
            {
                (string message, string errorId) = _session.Describe(e);
                int? deployedHelmRevision = _session.Store.GetDeployed(target.Namespace, target.App, target.Context)?.HelmRevision;
                int? failedHelmRevision = await _session.HelmRevisionAfterFailureAsync(snapshot, deployedHelmRevision).ConfigureAwait(false);
                DeploymentRecord failed = _session.Store.FinishDeployment(pending.Id, DeploymentStatus.Failed, failedHelmRevision,
                    $"{description} (FAILED: {message})", HistoryAction.Rollback);
                result.Outcome = AppOutcome.Failed;
                result.Record = failed;
                result.Revision = failed.Revision;
                result.Status = failed.Status;
                result.Message = message;
                result.ErrorId = errorId;
            }
            result.Duration = clock.Elapsed;
            return result;
        }

        /// <summary>Helm's revision for the target when Helm still holds it with the same chart; else null.</summary>
        private async Task<int?> HelmRevisionStillAvailableAsync(DeploymentRecord target, CancellationToken ct)
        {
            if (!target.HelmRevision.HasValue)
            {
                return null;
            }
            // Helm counts again from 1 after an uninstall without --keep-history: when a later revision we
            // recorded has a Helm revision not above the target's, Helm's number now names another release.
            bool renumbered = _session.Store.History(target.Namespace, target.App, target.Context)
                .Any(r => r.Revision > target.Revision && r.Status != DeploymentStatus.Uninstalled
                          && r.HelmRevision.HasValue && r.HelmRevision.Value <= target.HelmRevision.Value);
            if (renumbered)
            {
                return null;
            }
            IReadOnlyList<HelmHistoryEntry> history = await _session.Helm.HistoryOrEmptyAsync(target.ReleaseName, target.Namespace, ct)
                .ConfigureAwait(false);
            HelmHistoryEntry? entry = history.FirstOrDefault(h => h.Revision == target.HelmRevision.Value);
            return entry != null && (target.Chart == null || entry.Chart == target.Chart) ? entry.Revision : (int?)null;
        }

        private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
    }

    public sealed class RollbackPlan
    {
        public RollbackPlan(DeploymentRecord target, RevisionSnapshot snapshot)
        {
            Target = target;
            Snapshot = snapshot;
        }

        public DeploymentRecord Target { get; }
        public RevisionSnapshot Snapshot { get; }
    }
}
