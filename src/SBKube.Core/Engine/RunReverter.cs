using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>One app of a run going back: to the revision deployed before the run, or uninstalled when there was none.</summary>
    public sealed class RevertStep
    {
        internal RevertStep(AppResult changed, DeploymentRecord? before)
        {
            Changed = changed;
            Before = before;
        }

        /// <summary>What the run did to the app.</summary>
        public AppResult Changed { get; }
        /// <summary>The revision deployed before the run; null: the run installed the app.</summary>
        public DeploymentRecord? Before { get; }
    }

    /// <summary>
    /// Takes back what one apply changed, when the run failed or its health check did: every app it
    /// installed, upgraded or failed to change goes back to the revision deployed before the run (an
    /// app it installed is uninstalled), dependents first. Each step is recorded like any rollback or
    /// delete, with the reason in its description.
    /// </summary>
    public sealed class RunReverter
    {
        private const int ReasonLength = 160;
        private readonly EngineSession _session;

        public RunReverter(EngineSession session)
        {
            _session = session;
        }

        /// <summary>
        /// The steps for the results of one run, in the reverse of the order the apps finished (an app
        /// finishes only after what it depends on, so dependents go back first).
        /// </summary>
        public IReadOnlyList<RevertStep> Plan(IEnumerable<AppResult> results) =>
            results.Where(r => r.Revision.HasValue && r.Operation == "apply"
                    && (r.Outcome == AppOutcome.Installed || r.Outcome == AppOutcome.Upgraded || r.Outcome == AppOutcome.Failed))
                .Reverse()
                .Select(r => new RevertStep(r, DeployedBefore(r)))
                .Where(s => s.Before != null || s.Changed.Outcome != AppOutcome.Failed || s.Changed.HelmRevision.HasValue)
                .ToList();

        /// <summary>Carries out the steps; each result is reported as it finishes, a failed step does not stop the others.</summary>
        public async Task RevertAsync(IReadOnlyList<RevertStep> steps, string reason, Action<AppResult> onResult, CancellationToken ct)
        {
            string why = reason.Length <= ReasonLength ? reason : reason.Substring(0, ReasonLength - 3) + "...";
            foreach (RevertStep step in steps)
            {
                AppResult result;
                try
                {
                    result = step.Before != null
                        ? await RollBackAsync(step, why, ct).ConfigureAwait(false)
                        : await UninstallAsync(step, why, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!(e is OperationCanceledException) && !(e is OutOfMemoryException))
                {
                    result = new AppResult
                    {
                        Namespace = step.Changed.Namespace,
                        App = step.Changed.App,
                        ReleaseName = step.Changed.ReleaseName,
                        Operation = step.Before != null ? "rollback" : "delete",
                        Outcome = AppOutcome.Failed,
                        Message = _session.Redactor.RedactText(e.Message),
                        ErrorId = e is SbkubeException s ? s.ErrorId : ErrorIds.RevertFailed,
                    };
                }
                onResult(result);
            }
        }

        private async Task<AppResult> RollBackAsync(RevertStep step, string why, CancellationToken ct)
        {
            DeploymentRecord before = step.Before!;
            var options = new RollbackOptions { Reason = why, AllowFailed = false };
            var target = new RollbackTarget(before.Namespace, before.App, RevisionRef.Of(before.Revision));
            return await ResultOfAsync(onResult => new RollbackEngine(_session).RunAsync(target, options, onResult, ct), ct).ConfigureAwait(false);
        }

        private async Task<AppResult> UninstallAsync(RevertStep step, string why, CancellationToken ct)
        {
            DeploymentRecord installed = _session.Deployments.Get(step.Changed.Namespace, step.Changed.App, step.Changed.Revision!.Value, _session.Context)
                ?? throw new SbkubeException($"{step.Changed.Namespace}/{step.Changed.App}: revision {step.Changed.Revision} is no longer recorded.",
                    ErrorIds.RevisionNotFound, ErrorKind.ObjectNotFound, step.Changed.App);
            // The revision this run installed, which may have failed and so is not the deployed one a delete would plan.
            var plan = new DeletePlan(new[] { installed }, new DeleteOptions { Description = $"Uninstalled: it had no revision before the run ({why})" });
            return await ResultOfAsync(onResult => new DeleteEngine(_session).ExecuteAsync(plan, onResult, ct), ct).ConfigureAwait(false);
        }

        /// <summary>The one app's result of an engine's run; none means it was stopped before it began.</summary>
        private static async Task<AppResult> ResultOfAsync(Func<Action<AppResult>, Task> run, CancellationToken ct)
        {
            AppResult? result = null;
            await run(r => result = r).ConfigureAwait(false);
            return result ?? throw new OperationCanceledException(ct);
        }

        /// <summary>
        /// The newest revision below the run's that was deployed (now superseded, or still deployed when
        /// the run's change failed); none when an uninstall or the start of history comes first.
        /// </summary>
        private DeploymentRecord? DeployedBefore(AppResult changed)
        {
            foreach (DeploymentRecord r in _session.Deployments.History(changed.Namespace, changed.App, _session.Context)
                         .Where(r => r.Revision < changed.Revision!.Value).OrderByDescending(r => r.Revision))
            {
                if (r.Status == DeploymentStatus.Deployed || r.Status == DeploymentStatus.Superseded)
                {
                    return r;
                }
                if (r.Status == DeploymentStatus.Uninstalled)
                {
                    return null;
                }
            }
            return null;
        }
    }
}
