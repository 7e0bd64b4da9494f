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

        public async Task<AppResult> DeleteAsync(DeploymentRecord deployed, CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            var result = new AppResult
            {
                Namespace = deployed.Namespace,
                App = deployed.App,
                ReleaseName = deployed.ReleaseName,
                Operation = "delete",
                Chart = deployed.Chart,
                Description = "Deleted",
            };
            RevisionSnapshot snapshot = RevisionSnapshot.FromJson(deployed.Config ?? "{}");
            DeploymentRecord pending = _session.Store.BeginDeployment(new NewDeployment
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
                Description = "Deleted",
                Config = deployed.Config,
                ConfigHash = deployed.ConfigHash,
            });
            try
            {
                string description = "Deleted";
                try
                {
                    await _session.RemoveAsync(snapshot, ct).ConfigureAwait(false);
                }
                catch (HelmException e) when (e.Kind == HelmErrorKind.ReleaseNotFound)
                {
                    description = "Deleted (the release was already gone from Helm)";
                }
                DeploymentRecord done = _session.Store.FinishDeployment(pending.Id, DeploymentStatus.Uninstalled,
                    deployed.HelmRevision, description, HistoryAction.Delete);
                result.Outcome = AppOutcome.Uninstalled;
                result.Description = description;
                result.Record = done;
                result.Revision = done.Revision;
                result.Status = done.Status;
            }
            catch (Exception e) when (!(e is StateStoreException))
            {
                (string message, string errorId) = _session.Describe(e);
                DeploymentRecord failed = _session.Store.FinishDeployment(pending.Id, DeploymentStatus.Failed, null,
                    $"Delete (FAILED: {message})", HistoryAction.Delete);
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
    }
}
