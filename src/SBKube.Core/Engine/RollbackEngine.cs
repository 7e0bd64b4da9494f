using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.Kubectl;
using SBKube.Core.State;
using SBKube.Core.Tools;

namespace SBKube.Core.Engine
{
    public sealed class RollbackOptions : ChangeOptions
    {
        /// <summary>The seed's 강제 롤백: once rolled back, the app's pods are recreated (kubectl rollout restart).</summary>
        public bool Force { get; set; }
        /// <summary>Roll back to a revision whose deployment failed.</summary>
        public bool AllowFailed { get; set; }
        /// <summary>Why the rollback happens, recorded in its description: Rollback to revision N (reason).</summary>
        public string? Reason { get; set; }
        /// <summary>The revision rolled back from was bad: it is recorded as failed with the reason (the seed's "(FAILED)").</summary>
        public bool MarkLeftFailed { get; set; }
    }

    /// <summary>
    /// Rolls an app back to any recorded revision: <c>helm rollback</c> while Helm still has that
    /// revision, otherwise a redeploy of the stored snapshot (past Helm's history limit, after a delete).
    /// </summary>
    /// <summary>What a rollback names: an app and the recorded revision it returns to.</summary>
    public sealed class RollbackTarget
    {
        public RollbackTarget(string ns, string app, RevisionRef revision)
        {
            Namespace = ns;
            App = app;
            Revision = revision;
        }

        public string Namespace { get; }
        public string App { get; }
        public RevisionRef Revision { get; }
    }

    public sealed class RollbackEngine : ChangeEngine<RollbackTarget, RollbackOptions, RollbackPlan>
    {
        public RollbackEngine(EngineSession session)
            : base(session)
        {
        }

        /// <summary>
        /// Checks the target and decides how to return to it, asking Helm once (its history): a
        /// <c>helm rollback</c> while Helm still holds the target revision, else a redeploy of the
        /// stored snapshot. Throws <see cref="SbkubeException"/> for a bad target. The plan is what
        /// -WhatIf shows and what <see cref="ExecuteAsync"/> carries out, without planning again.
        /// </summary>
        public override async Task<RollbackPlan> PlanAsync(RollbackTarget request, RollbackOptions options, CancellationToken ct)
        {
            (string ns, string app) = (request.Namespace, request.App);
            DeploymentRecord target = request.Revision.Resolve(Session.Deployments, ns, app, NullIfEmpty(Session.Context));
            if (target.Status == DeploymentStatus.Failed && !options.AllowFailed)
            {
                throw new SbkubeException(
                    $"Revision {target.Revision} of {ns}/{app} failed to deploy.",
                    ErrorIds.RollbackTargetFailed, ErrorKind.InvalidOperation, target, next: new NextStep(NextStepKind.AllowFailed));
            }
            if (DeploymentStatus.IsPending(target.Status))
            {
                throw new SbkubeException(
                    $"Revision {target.Revision} of {ns}/{app} never finished ({target.Status}); pick a finished revision.",
                    ErrorIds.RollbackTargetPending, ErrorKind.InvalidOperation, target);
            }
            if (string.IsNullOrEmpty(target.Config))
            {
                throw new SbkubeException(
                    $"Revision {target.Revision} of {ns}/{app} has no stored snapshot to redeploy.",
                    ErrorIds.SnapshotMissing, ErrorKind.InvalidData, target);
            }
            var snapshot = RevisionSnapshot.FromJson(target.Config!);
            if (snapshot.DisagreesWith(target.Namespace, target.ReleaseName, target.AppType, target.ChartRef) is string wrong)
            {
                throw new SbkubeException($"Revision {target.Revision} of {ns}/{app} cannot be redeployed: {wrong}.",
                    ErrorIds.SnapshotMismatch, ErrorKind.InvalidData, target);
            }
            int? recordedHelm = Session.Deployments.MaxHelmRevision(target.Namespace, target.App, target.Context);
            (int? helmRevision, int? helmLatest) = snapshot.Kind == AppType.Helm
                ? await HelmRevisionStillAvailableAsync(target, ct).ConfigureAwait(false)
                : (null, null);
            string method = helmRevision.HasValue
                ? $"helm rollback {target.ReleaseName} {helmRevision}"
                : $"redeploy the stored snapshot of revision {target.Revision}";
            return new RollbackPlan(target, snapshot, helmRevision, helmLatest, recordedHelm, options,
                $"Roll back {target.Namespace}/{target.App} to revision {target.Revision} ({target.Chart}): {method}.");
        }

        /// <summary>
        /// Carries out <paramref name="plan"/>. <paramref name="stopLaunching"/> ends the waits (locks, settling a
        /// pending row); once Helm is asked to roll back, the change runs to its end and is recorded, because a
        /// rollback stopped halfway leaves the release pending-rollback.
        /// </summary>
        public override async Task ExecuteAsync(RollbackPlan plan, Action<AppResult> onResult, CancellationToken stopLaunching) =>
            onResult(await RollBackAsync(plan, stopLaunching).ConfigureAwait(false));

        private async Task<AppResult> RollBackAsync(RollbackPlan plan, CancellationToken stopping)
        {
            CancellationToken ct = stopping;
            RollbackOptions options = plan.Options;
            var clock = Stopwatch.StartNew();
            DeploymentRecord target = plan.Target;
            RevisionSnapshot snapshot = plan.Snapshot;
            Session.Redactor.Learn(snapshot.Values, snapshot.Rules);
            string description = $"Rollback to revision {target.Revision}" + (options.Reason == null ? "" : $" ({options.Reason})");
            var result = new AppResult
            {
                Namespace = target.Namespace,
                App = target.App,
                ReleaseName = target.ReleaseName,
                Operation = "rollback",
                Chart = target.Chart,
                Description = description,
            };

            int? helmRevision = plan.HelmRevision;
            using IDisposable locks = await RevisionRecorder.HoldAsync(Session, (target.Context, target.Namespace, target.App), HistoryAction.Rollback, description,
                options.Lock, options.LockTimeout, ct).ConfigureAwait(false);
            if (helmRevision.HasValue && Session.Deployments.MaxHelmRevision(target.Namespace, target.App, target.Context) != plan.RecordedHelmRevision)
            {
                // Another run changed the release while this one waited for the lock: its history may have dropped
                // the target (history_max), so Helm is asked again, under the lock, whether it still has it.
                (helmRevision, _) = await HelmRevisionStillAvailableAsync(target, ct).ConfigureAwait(false);
                Session.Log.Verbose($"{target.Namespace}/{target.App} changed while this rollback waited; " +
                    (helmRevision.HasValue ? $"Helm still has revision {helmRevision}." : "Helm no longer has it, so the stored snapshot is redeployed."));
            }
            ct = CancellationToken.None;
            var row = new NewDeployment
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
            };
            await RevisionRecorder.RecordAsync(Session, result, new ChangeToRecord(row, HistoryAction.Rollback, AppOutcome.RolledBack, description, async () =>
            {
                Session.Log.Verbose($"{target.Namespace}/{target.App}: {plan.Operation}");
                // The revision left behind was bad, unless the rollback redeploys that very revision.
                string? leftBecause = options.MarkLeftFailed
                    && Session.Deployments.GetDeployed(target.Namespace, target.App, target.Context)?.Revision != target.Revision ? options.Reason : null;
                int? newHelmRevision;
                if (helmRevision.HasValue)
                {
                    await Session.Changes.RollbackAsync(new HelmRollbackRequest
                    {
                        Release = target.ReleaseName,
                        Namespace = target.Namespace,
                        Revision = helmRevision.Value,
                        Wait = snapshot.Wait,
                        Timeout = snapshot.Timeout,
                        HistoryMax = snapshot.HistoryMax,
                        Apply = snapshot.Apply,
                    }, target.App, ct).ConfigureAwait(false);
                    newHelmRevision = await HelmRevisionAfterRollbackAsync(plan, ct).ConfigureAwait(false);
                }
                else
                {
                    newHelmRevision = (await Session.Changes.DeployAsync(snapshot, target.App, description, ct).ConfigureAwait(false)).HelmRevision;
                }
                if (options.Force)
                {
                    await RecreatePodsAsync(snapshot, target.App, ct).ConfigureAwait(false);
                }
                return new RecordedChange(DeploymentStatus.Deployed, newHelmRevision, description, leftBecause);
            }) { HelmAfterFailure = () => Session.HelmAfterFailureAsync(snapshot, target.App) }).ConfigureAwait(false);
            result.Duration = clock.Elapsed;
            return result;
        }

        /// <summary>
        /// -Force: the pods are recreated once the rollback is done. The rollback itself succeeded by then,
        /// so a failure here is a warning, not a failed revision.
        /// </summary>
        private async Task RecreatePodsAsync(RevisionSnapshot snapshot, string app, CancellationToken ct)
        {
            try
            {
                await PodRecreation.RunAsync(Session, snapshot, app, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (ErrorClassifier.IsToolFailure(e))
            {
                Session.Log.Warning($"{snapshot.Namespace}/{snapshot.ReleaseName} was rolled back, but its pods could not be recreated: {e.Message}");
            }
        }

        /// <summary>
        /// Helm's revision for the target when Helm still holds it with the same chart (else null), and
        /// Helm's newest revision of the release (null when Helm knows none).
        /// </summary>
        private async Task<(int? Target, int? Latest)> HelmRevisionStillAvailableAsync(DeploymentRecord target, CancellationToken ct)
        {
            if (!target.HelmRevision.HasValue)
            {
                return (null, null);
            }
            // Helm counts again from 1 after an uninstall without --keep-history: when a later revision we
            // recorded has a Helm revision not above the target's, Helm's number now names another release.
            bool renumbered = Session.Deployments.History(target.Namespace, target.App, target.Context)
                .Any(r => r.Revision > target.Revision && r.Status != DeploymentStatus.Uninstalled
                          && r.HelmRevision.HasValue && r.HelmRevision.Value <= target.HelmRevision.Value);
            if (renumbered)
            {
                return (null, null);
            }
            IReadOnlyList<HelmHistoryEntry> history = await Session.Helm.HistoryOrEmptyAsync(target.ReleaseName, target.Namespace, ct)
                .ConfigureAwait(false);
            HelmHistoryEntry? entry = history.FirstOrDefault(h => h.Revision == target.HelmRevision.Value);
            int? latest = history.Count > 0 ? history.Max(h => h.Revision) : (int?)null;
            return (entry != null && (target.Chart == null || entry.Chart == target.Chart) ? entry.Revision : (int?)null, latest);
        }

        /// <summary>
        /// Helm makes a rollback its newest revision plus one. When nothing was recorded for the app since
        /// planning (checked under the app's lock), the plan's history still holds and Helm need not be
        /// asked again; otherwise its history says.
        /// </summary>
        private async Task<int?> HelmRevisionAfterRollbackAsync(RollbackPlan plan, CancellationToken ct)
        {
            DeploymentRecord t = plan.Target;
            if (plan.HelmLatest.HasValue && Session.Deployments.MaxHelmRevision(t.Namespace, t.App, t.Context) == plan.RecordedHelmRevision)
            {
                return plan.HelmLatest.Value + 1;
            }
            IReadOnlyList<HelmHistoryEntry> after = await Session.Helm.HistoryAsync(t.ReleaseName, t.Namespace, ct).ConfigureAwait(false);
            return after.Count > 0 ? after.Max(h => h.Revision) : (int?)null;
        }

        private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
    }

    /// <summary>A checked rollback: its target, the snapshot to return to, and how (decided once, from one helm history).</summary>
    public sealed class RollbackPlan
    {
        internal RollbackPlan(DeploymentRecord target, RevisionSnapshot snapshot, int? helmRevision, int? helmLatest,
            int? recordedHelmRevision, RollbackOptions options, string operation)
        {
            Options = options;
            Target = target;
            Snapshot = snapshot;
            HelmRevision = helmRevision;
            HelmLatest = helmLatest;
            RecordedHelmRevision = recordedHelmRevision;
            Operation = operation;
        }

        public DeploymentRecord Target { get; }
        public RevisionSnapshot Snapshot { get; }
        /// <summary>Helm's revision to <c>helm rollback</c> to; null: redeploy the snapshot instead.</summary>
        public int? HelmRevision { get; }
        /// <summary>Helm's newest revision of the release when the plan was made.</summary>
        public int? HelmLatest { get; }
        /// <summary>The newest Helm revision the store had recorded for the app when the plan was made.</summary>
        public int? RecordedHelmRevision { get; }
        /// <summary>The change as ShouldProcess names the operation (also in its -Verbose line, so no "Would").</summary>
        public string Operation { get; }
        public RollbackOptions Options { get; }

        /// <summary>What the plan says it would do (the -WhatIf object and sbkube --dry-run).</summary>
        public string Description => PlannedApp.Would(Operation);
    }
}
