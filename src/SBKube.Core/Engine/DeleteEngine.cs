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
    /// <summary>
    /// Uninstalls deployed apps (dependents first) and records an <c>uninstalled</c> revision for each;
    /// history stays, so a later rollback re-installs from the snapshot.
    /// </summary>
    public sealed class DeleteEngine
    {
        private readonly EngineSession _session;

        public DeleteEngine(EngineSession session)
        {
            _session = session;
        }

        /// <summary>The deployed revisions to remove, in removal order (reverse of <paramref name="dependencyOrder"/>).</summary>
        public IReadOnlyList<DeploymentRecord> Plan(IEnumerable<(string Namespace, string App)> dependencyOrder)
        {
            var list = new List<DeploymentRecord>();
            foreach ((string ns, string app) in dependencyOrder.Reverse())
            {
                DeploymentRecord? deployed = _session.Store.GetDeployed(ns, app, _session.Context.Length == 0 ? null : _session.Context);
                if (deployed != null)
                {
                    list.Add(deployed);
                }
                else
                {
                    _session.Log.Verbose($"{ns}/{app} is not deployed; nothing to delete.");
                }
            }
            return list;
        }

        /// <summary>
        /// Deletes the planned apps one by one in order; with <paramref name="lockNamespaces"/> their
        /// namespaces stay locked for the whole run. Stops starting new deletes when <paramref name="stop"/> fires.
        /// </summary>
        public async Task RunAsync(IReadOnlyList<DeploymentRecord> plan, bool lockNamespaces, TimeSpan lockWait,
            Action<AppResult> onResult, CancellationToken stop)
        {
            var namespaceLocks = new List<LockLease>();
            try
            {
                if (lockNamespaces)
                {
                    foreach (string ns in plan.Select(d => d.Namespace).Distinct().OrderBy(n => n, StringComparer.Ordinal))
                    {
                        namespaceLocks.Add(await _session.Locks.LockAsync(ns, null, "delete", lockWait, stop).ConfigureAwait(false));
                    }
                }
                foreach (DeploymentRecord d in plan)
                {
                    if (stop.IsCancellationRequested)
                    {
                        break;
                    }
                    onResult(await DeleteAsync(d, lockWait, stop).ConfigureAwait(false));
                }
            }
            finally
            {
                namespaceLocks.ForEach(l => l.Dispose());
            }
        }

        /// <summary>
        /// Apps named on the command line or the pipeline, dependencies first, using the depends_on
        /// recorded in their deployed snapshots (a delete from state has no config to read).
        /// </summary>
        public static IReadOnlyList<(string Namespace, string App)> DependencyOrderFromState(IStateStore store,
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
        public async Task<AppResult> DeleteAsync(DeploymentRecord deployed, TimeSpan lockTimeout, CancellationToken stopping,
            string description = "Deleted")
        {
            CancellationToken ct = stopping;
            using IDisposable appLock = await RevisionRecorder.HoldAsync(_session, (deployed.Context, deployed.Namespace, deployed.App), HistoryAction.Delete, description,
                wholeNamespace: false, lockTimeout, ct).ConfigureAwait(false);
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
                ? _session.Store.GetDeployed(deployed.Namespace, deployed.App, deployed.Context)
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
                _session.Log.Verbose($"{deployed.Namespace}/{deployed.App}: revision {current.Revision} was deployed since planning; it is the one removed.");
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
            await RevisionRecorder.RecordAsync(_session, result, new ChangeToRecord(row, HistoryAction.Delete, AppOutcome.Uninstalled, "Delete", async () =>
            {
                string done = description;
                try
                {
                    await _session.Changes.RemoveAsync(snapshot, deployed.App, ct).ConfigureAwait(false);
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
