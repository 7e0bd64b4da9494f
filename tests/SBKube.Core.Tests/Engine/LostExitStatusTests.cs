using System;
using System.Threading.Tasks;
using SBKube.Tests.Shared;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.Core.Tools;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>
    /// A change whose helm exit status never arrived is never counted a success by itself: its row is
    /// settled from Helm's own history, deployed only if Helm recorded the new revision deployed.
    /// </summary>
    [Collection(ClusterCollection.Name)]
    public sealed class LostExitStatusTests : IDisposable
    {
        private readonly ClusterProject _p = new ClusterProject();

        public void Dispose() => _p.Dispose();

        private static NewDeployment Upgrade() => new NewDeployment
        {
            Namespace = "state-demo", App = "redis", ReleaseName = "redis", Chart = "redis-17.13.2", ChartRef = "bitnami/redis",
            ChartVersion = "17.13.2", Status = DeploymentStatus.PendingUpgrade, Description = "Upgraded replicas",
        };

        private static ToolExitUnknownException Lost() => new ToolExitUnknownException("helm", 4242, Array.Empty<int>(), "it was reaped, but this process was never told its status");

        private AppResult Record(Func<Task<RecordedChange>> change)
        {
            var result = new AppResult { Namespace = "state-demo", App = "redis", Operation = "apply" };
            RevisionRecorder.RecordAsync(_p.Session, result, new ChangeToRecord(Upgrade(), HistoryAction.Upgrade, AppOutcome.Upgraded, "Upgrade", change))
                .GetAwaiter().GetResult();
            return result;
        }

        [ClusterFact]
        public void Helm_did_the_upgrade_so_the_row_is_deployed_with_a_warning_saying_why()
        {
            _p.Redis();
            Assert.Equal(AppOutcome.Installed, _p.ApplyOne().Outcome);

            AppResult r = Record(() =>
            {
                Assert.Equal(0, _p.Helm("upgrade", "redis", "bitnami/redis", "-n", "state-demo", "--version", "17.13.2", "--set", "replica.replicaCount=5").Code);
                throw Lost();
            });

            Assert.Equal(AppOutcome.Upgraded, r.Outcome);
            DeploymentRecord deployed = _p.Store.GetDeployed("state-demo", "redis")!;
            Assert.Equal(2, deployed.Revision);
            Assert.Equal(2, deployed.HelmRevision);
            Assert.Contains("exit status was lost", deployed.Description);
            Assert.Contains(_p.Warnings, w => w.Contains("Helm's history shows it deployed"));
        }

        [ClusterFact]
        public void Helm_did_nothing_so_the_row_is_failed_and_the_previous_revision_stays_deployed()
        {
            _p.Redis();
            Assert.Equal(AppOutcome.Installed, _p.ApplyOne().Outcome);

            AppResult r = Record(() => throw Lost());

            Assert.Equal(AppOutcome.Failed, r.Outcome);
            Assert.Equal(ErrorIds.ToolExitUnknown, r.ErrorId);
            Assert.Equal(1, _p.Store.GetDeployed("state-demo", "redis")!.Revision);
            Assert.Equal(DeploymentStatus.Failed, _p.Store.GetLatest("state-demo", "redis")!.Status);
        }
    }
}
