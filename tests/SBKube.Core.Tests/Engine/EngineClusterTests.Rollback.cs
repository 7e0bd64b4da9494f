using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using SBKube.Tests.Shared;
using SBKube.Core.Engine;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>Rollback and delete with real Helm against the Kubernetes API stand-in.</summary>
    public sealed partial class EngineClusterTests
    {
        [ClusterFact]
        public void Rollback_ToRevision2_AddsARollbackRevision()
        {
            _p.Redis();
            _p.ApplyOne();
            _p.Redis(size: "2Gi");
            _p.ApplyOne();
            _p.Redis(version: "18.0.0", size: "2Gi");
            _p.ApplyOne();
            int rollbacksBefore = _p.Count("rollback");

            AppResult r = _p.Rollback("redis", "2");

            Assert.True(r.Outcome == AppOutcome.RolledBack, r.Message);
            Assert.Equal(4, r.Revision);
            Assert.Equal("Rollback to revision 2", r.Description);
            DeploymentRecord deployed = _p.Store.GetDeployed("state-demo", "redis")!;
            Assert.Equal(4, deployed.Revision);
            Assert.Equal("Rollback to revision 2", deployed.Description);
            Assert.Equal("redis-17.13.2", deployed.Chart);
            Assert.Equal(_p.Store.Get("state-demo", "redis", 2)!.ConfigHash, deployed.ConfigHash);
            HistoryEntry h = Assert.Single(_p.Store.HistoryEntries(action: "rollback"));
            Assert.Equal(deployed.Id, h.DeploymentId);
            Assert.Equal(rollbacksBefore + 1, _p.Count("rollback"));
            Assert.Equal(4, deployed.HelmRevision);
            JsonArray helm = _p.HelmHistory("redis");
            Assert.Equal("deployed", (string?)helm.Last()!["status"]);
            Assert.Equal("redis-17.13.2", (string?)helm.Last()!["chart"]);

            // The config still says 18.0.0/2Gi: the next apply upgrades again.
            Assert.Equal(AppOutcome.Upgraded, _p.ApplyOne().Outcome);
        }

        [ClusterFact]
        public void Rollback_ToAFailedRevision_IsRefusedUnlessAllowed()
        {
            _p.Redis();
            _p.ApplyOne();
            // Writes of StatefulSets are refused: the upgrade fails in the cluster.
            _p.Faults("{\"forbidden\": {\"namespaces\": [\"state-demo\"], \"resources\": [\"statefulsets\"]}}");
            _p.Redis(size: "2Gi");
            Assert.Equal(AppOutcome.Failed, _p.ApplyOne().Outcome);
            _p.Faults(null);

            SbkubeException refused = Assert.Throws<SbkubeException>(() => _p.Rollback("redis", "2"));
            Assert.Equal("RollbackTargetFailed", refused.ErrorId);
            Assert.Equal(2, _p.Store.History("state-demo", "redis").Count);

            AppResult allowed = _p.Rollback("redis", "2", new RollbackOptions { AllowFailed = true });
            Assert.True(allowed.Outcome == AppOutcome.RolledBack, allowed.Message);
            Assert.Equal(3, allowed.Revision);
            Assert.Equal(3, _p.Store.GetDeployed("state-demo", "redis")!.Revision);
        }

        [ClusterFact]
        public void Rollback_ToARevisionHelmPruned_RedeploysTheSnapshot()
        {
            _p.Redis(extra: "    history_max: 2\n");
            _p.ApplyOne();
            for (int i = 2; i <= 4; i++)
            {
                _p.Redis(size: i + "Gi", extra: "    history_max: 2\n");
                Assert.Equal(AppOutcome.Upgraded, _p.ApplyOne().Outcome);
            }
            JsonArray helm = _p.HelmHistory("redis");
            Assert.DoesNotContain(helm, h => (int)h!["revision"]! == 1);
            int upgrades = _p.Count("upgrade"), rollbacks = _p.Count("rollback");

            AppResult r = _p.Rollback("redis", "1");

            Assert.True(r.Outcome == AppOutcome.RolledBack, r.Message);
            Assert.Equal(5, r.Revision);
            Assert.Equal(upgrades + 1, _p.Count("upgrade"));
            Assert.Equal(rollbacks, _p.Count("rollback"));
            DeploymentRecord deployed = _p.Store.GetDeployed("state-demo", "redis")!;
            Assert.Equal("Rollback to revision 1", deployed.Description);
            Assert.Equal("1Gi", (string?)RevisionSnapshot.FromJson(deployed.Config!).Values["master"]!["persistence"]!["size"]);
            var values = _p.Helm("get", "values", "redis", "-n", "state-demo", "-o", "json");
            Assert.Contains("\"1Gi\"", values.Out);
        }

        [ClusterFact]
        public void Rollback_AfterHelmRenumbered_TheRelease_DeploysTheRecordedValues()
        {
            _p.Redis(size: "1Gi");
            _p.ApplyOne();
            _p.Redis(size: "2Gi");
            _p.ApplyOne();
            // Someone uninstalls by hand without --keep-history: Helm forgets every revision.
            Assert.Equal(0, _p.Helm("uninstall", "redis", "-n", "state-demo").Code);
            AppResult reinstall = _p.ApplyOne();
            Assert.Contains("drift", reinstall.Description);
            Assert.Equal(1, reinstall.HelmRevision); // Helm starts counting again
            _p.Redis(size: "3Gi");
            Assert.Equal(2, _p.ApplyOne().HelmRevision);

            // SBKube revision 1 was Helm revision 1 of the *old* release; Helm's revision 1 now holds 2Gi.
            AppResult r = _p.Rollback("redis", "1");

            Assert.True(r.Outcome == AppOutcome.RolledBack, r.Message);
            var values = _p.Helm("get", "values", "redis", "-n", "state-demo", "-o", "json");
            Assert.Contains("\"1Gi\"", values.Out);
        }

        [ClusterFact]
        public void Apply_AfterAManualUninstall_Reinstalls()
        {
            _p.Redis();
            _p.ApplyOne();
            Assert.Equal(0, _p.Helm("uninstall", "redis", "-n", "state-demo").Code);

            AppResult r = _p.ApplyOne();

            Assert.True(r.Outcome == AppOutcome.Upgraded, r.Message);
            Assert.Contains("missing", r.Description);
            Assert.Contains("\"deployed\"", _p.Helm("list", "-n", "state-demo", "-o", "json").Out);
        }

        [ClusterFact]
        public void Delete_RecordsUninstalled_ThenRollbackReinstalls()
        {
            _p.Redis();
            _p.ApplyOne();
            IReadOnlyList<DeploymentRecord> plan = _p.PlanDelete(("state-demo", "redis"));
            DeploymentRecord target = Assert.Single(plan);

            AppResult deleted = _p.Delete(target);

            Assert.True(deleted.Outcome == AppOutcome.Uninstalled, deleted.Message);
            Assert.Equal(2, deleted.Revision);
            Assert.Null(_p.Store.GetDeployed("state-demo", "redis"));
            Assert.Equal(DeploymentStatus.Uninstalled, _p.Store.GetLatest("state-demo", "redis")!.Status);
            Assert.Equal("delete", Assert.Single(_p.Store.HistoryEntries(action: "delete")).Action);
            Assert.Equal(1, _p.Count("uninstall"));
            Assert.Empty(_p.PlanDelete(("state-demo", "redis")));

            AppResult back = _p.Rollback("redis", "1");

            Assert.True(back.Outcome == AppOutcome.RolledBack, back.Message);
            Assert.Equal(3, back.Revision);
            Assert.Equal(3, _p.Store.GetDeployed("state-demo", "redis")!.Revision);
            var list = _p.Helm("list", "-n", "state-demo", "-o", "json");
            Assert.Contains("\"status\":\"deployed\"", list.Out);
        }

        [ClusterFact]
        public void Delete_decides_under_the_lock_from_the_deployed_row_not_the_plan()
        {
            _p.Redis();
            _p.ApplyOne();
            DeploymentRecord planned = _p.PlanDelete(("state-demo", "redis")).Single();
            _p.Redis(size: "2Gi");
            _p.ApplyOne(); // another run deploys revision 2 after the delete was planned

            AppResult deleted = _p.Delete(planned);

            Assert.True(deleted.Outcome == AppOutcome.Uninstalled, deleted.Message);
            DeploymentRecord gone = _p.Store.GetLatest("state-demo", "redis")!;
            Assert.Equal(3, gone.Revision);
            Assert.Equal(_p.Store.Get("state-demo", "redis", 2)!.ConfigHash, gone.ConfigHash);

            AppResult again = _p.Delete(planned); // removed meanwhile: nothing is sent to Helm again
            Assert.Equal(AppOutcome.Skipped, again.Outcome);
            Assert.Contains("no longer deployed", again.Message);
            Assert.Equal(1, _p.Count("uninstall"));
            Assert.Equal(3, _p.Store.GetLatest("state-demo", "redis")!.Revision);
        }

        [ClusterFact]
        public void Delete_WhenHelmAlreadyLostTheRelease_StillRecordsIt()
        {
            _p.Redis();
            _p.ApplyOne();
            Assert.Equal(0, _p.Helm("uninstall", "redis", "-n", "state-demo").Code);

            AppResult deleted = _p.Delete(_p.PlanDelete(("state-demo", "redis")).Single());

            Assert.Equal(AppOutcome.Uninstalled, deleted.Outcome);
            Assert.Contains("already gone", deleted.Description);
            Assert.Null(_p.Store.GetDeployed("state-demo", "redis"));
        }
    }
}
