using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    public sealed class DeleteOptions : ChangeOptions
    {
        /// <summary>The description of each uninstalled revision.</summary>
        public string Description { get; set; } = "Deleted";
    }

    /// <summary>The deployed revisions a delete removes, in removal order (dependents first).</summary>
    public sealed class DeletePlan
    {
        public DeletePlan(IReadOnlyList<DeploymentRecord> removals, DeleteOptions options)
        {
            Removals = removals;
            Options = options;
        }

        public IReadOnlyList<DeploymentRecord> Removals { get; }
        public DeleteOptions Options { get; }

        /// <summary>The plan limited to the removals someone confirmed.</summary>
        public DeletePlan ConfirmedFor(IReadOnlyCollection<DeploymentRecord> confirmed) =>
            new DeletePlan(Removals.Where(confirmed.Contains).ToList(), Options);
    }

    /// <summary>
    /// Uninstalls deployed apps (dependents first) and records an <c>uninstalled</c> revision for each;
    /// history stays, so a later rollback re-installs from the snapshot.
    /// </summary>
    public sealed class DeleteEngine : ChangeEngine<IEnumerable<(string Namespace, string App)>, DeleteOptions, DeletePlan>
    {
        public DeleteEngine(EngineSession session)
            : base(session)
        {
        }

        /// <summary>The deployed revisions of the apps in <paramref name="dependencyOrder"/>, to remove in its reverse.</summary>
        public override Task<DeletePlan> PlanAsync(IEnumerable<(string Namespace, string App)> dependencyOrder, DeleteOptions options,
            CancellationToken ct)
        {
            var list = new List<DeploymentRecord>();
            foreach ((string ns, string app) in dependencyOrder.Reverse())
            {
                DeploymentRecord? deployed = Session.Deployments.GetDeployed(ns, app, Session.Context.Length == 0 ? null : Session.Context);
                if (deployed != null)
                {
                    list.Add(deployed);
                }
                else
                {
                    Session.Log.Verbose($"{ns}/{app} is not deployed; nothing to delete.");
                }
            }
            return Task.FromResult(new DeletePlan(list, options));
        }

        /// <summary>
        /// Deletes the planned apps one by one in order; with <see cref="ChangeOptions.Lock"/> their namespaces stay
        /// locked for the whole run. Starts no new delete once <paramref name="stopLaunching"/> fires.
        /// </summary>
        public override async Task ExecuteAsync(DeletePlan plan, Action<AppResult> onResult, CancellationToken stopLaunching)
        {
            using IDisposable namespaces = await HoldNamespacesAsync(plan.Removals.Select(d => d.Namespace), "delete", plan.Options, stopLaunching)
                .ConfigureAwait(false);
            foreach (DeploymentRecord d in plan.Removals)
            {
                if (stopLaunching.IsCancellationRequested)
                {
                    break;
                }
                onResult(await DeleteAsync(d, plan.Options, stopLaunching).ConfigureAwait(false));
            }
        }

        /// <summary>
        /// Apps named on the command line or the pipeline, dependencies first, using the depends_on
        /// recorded in their deployed snapshots (a delete from state has no config to read).
        /// </summary>
        public static IReadOnlyList<(string Namespace, string App)> DependencyOrderFromState(IDeploymentLog store,
            IReadOnlyList<(string Namespace, string App)> targets, string? context)
        {
            var deps = new Dictionary<(string, string), IReadOnlyList<string>>();
            foreach ((string ns, string app) in targets)
            {
                DeploymentRecord? d = store.GetDeployed(ns, app, context);
                deps[(ns, app)] = d?.Config != null ? RevisionSnapshot.FromJson(d.Config).DependsOn : new List<string>();
            }
            var position = new Dictionary<(string, string), int>();
            for (int i = 0; i < targets.Count; i++)
            {
                position[targets[i]] = i;
            }
            var graph = new DependencyGraph(targets.Select(t => deps[t].Where(d => position.ContainsKey((t.Namespace, d)))
                .Select(d => position[(t.Namespace, d)])));
            // Recorded dependencies came from valid configs; should they still form a cycle, those apps go last.
            IReadOnlyList<int> order = graph.Order(out IReadOnlyList<int> stuck);
            return order.Concat(stuck).Select(i => targets[i]).ToList();
        }

        /// <summary>
        /// Uninstalls one app. <paramref name="stopping"/> ends the waits (its lock, settling a pending row);
        /// once the uninstall is sent it runs to its end and is recorded.
        /// </summary>
        private async Task<AppResult> DeleteAsync(DeploymentRecord deployed, DeleteOptions options, CancellationToken stopping)
        {
            CancellationToken ct = stopping;
            string description = options.Description;
            using IDisposable appLock = await RevisionRecorder.HoldAsync(Session, (deployed.Context, deployed.Namespace, deployed.App), HistoryAction.Delete, description,
                wholeNamespace: false, options.LockTimeout, ct).ConfigureAwait(false);
            ct = CancellationToken.None;
            var clock = Stopwatch.StartNew();
            var result = new AppResult
            {
                Namespace = deployed.Namespace,
                App = deployed.App,
                ReleaseName = deployed.ReleaseName,
                Operation = "delete",
                Chart = deployed.Chart,
                Description = description,
            };
            // A planned delete read the deployed row before the lock: under it, the deployed row decides (another
            // run may have deployed a newer revision, or deleted the app, meanwhile). A revert may pass a failed
            // install, which has no deployed row and is uninstalled as it is.
            DeploymentRecord? current = deployed.Status == DeploymentStatus.Deployed
                ? Session.Deployments.GetDeployed(deployed.Namespace, deployed.App, deployed.Context)
                : deployed;
            if (current == null)
            {
                result.Outcome = AppOutcome.Skipped;
                result.Message = $"Skipped: {deployed.Namespace}/{deployed.App} is no longer deployed; another run removed it after this one planned.";
                result.Duration = clock.Elapsed;
                return result;
            }
            if (current.Id != deployed.Id)
            {
                Session.Log.Verbose($"{deployed.Namespace}/{deployed.App}: revision {current.Revision} was deployed since planning; it is the one removed.");
                deployed = current;
            }
            RevisionSnapshot snapshot = RevisionSnapshot.FromJson(deployed.Config ?? "{}");
            if (snapshot.DisagreesWith(deployed.Namespace, deployed.ReleaseName, deployed.AppType, null) is string wrong)
            {
                // Only the release its own row names is ever removed.
                throw new SbkubeException($"Revision {deployed.Revision} of {deployed.Namespace}/{deployed.App} cannot be removed: {wrong}.",
                    ErrorIds.SnapshotMismatch, ErrorKind.InvalidData, deployed);
            }
            var row = new NewDeployment
            {
                Context = deployed.Context,
                Namespace = deployed.Namespace,
                App = deployed.App,
                ReleaseName = deployed.ReleaseName,
                AppType = deployed.AppType,
                Chart = deployed.Chart,
                ChartRef = deployed.ChartRef,
                ChartVersion = deployed.ChartVersion,
                Status = DeploymentStatus.Uninstalling,
                Description = description,
                Config = deployed.Config,
                ConfigHash = deployed.ConfigHash,
            };
            await RevisionRecorder.RecordAsync(Session, result, new ChangeToRecord(row, HistoryAction.Delete, AppOutcome.Uninstalled, "Delete", async () =>
            {
                string done = description;
                try
                {
                    await Session.Changes.RemoveAsync(snapshot, deployed.App, ct).ConfigureAwait(false);
                }
                catch (HelmException e) when (e.Kind == HelmErrorKind.ReleaseNotFound)
                {
                    done = description + " (the release was already gone from Helm)";
                }
                return new RecordedChange(DeploymentStatus.Uninstalled, deployed.HelmRevision, done);
            })).ConfigureAwait(false);
            result.Duration = clock.Elapsed;
            return result;
        }
    }
}
