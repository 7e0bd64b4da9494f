using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Tests.Shared;
using SBKube.Core.Config;
using SBKube.Core.Engine;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>Plan, confirm, execute: an apply decides once and carries out that decision.</summary>
    [Collection(ClusterCollection.Name)]
    public sealed class ApplyPlanTests : System.IDisposable
    {
        private readonly ClusterProject _p = new ClusterProject();

        public void Dispose() => _p.Dispose();

        private static async Task<List<AppResult>> Execute(ApplyEngine engine, ApplyPlan plan)
        {
            var results = new List<AppResult>();
            await engine.ExecuteAsync(plan, r => { lock (results) results.Add(r); }, CancellationToken.None);
            return results;
        }

        private static ApplyPlan ConfirmedWhole(ApplyPlan plan) => plan.ConfirmedFor(plan.Apps.Select(a => a.Name).ToList());

        [ClusterFact]
        public async Task A_plan_says_what_each_app_would_get_and_changes_nothing()
        {
            _p.Redis();
            _p.ApplyOne();
            _p.Redis(size: "2Gi");
            ApplyPlan plan = await new ApplyEngine(_p.Session).PlanAsync(_p.Load(), new ApplyOptions(), CancellationToken.None);

            PlannedApp redis = Assert.Single(plan.Apps);
            Assert.Equal(PlannedAction.Upgrade, redis.Action);
            Assert.Equal("Would upgrade: Updated values", redis.Message);
            Assert.Equal(1, redis.Deployed!.Revision);
            Assert.Single(_p.Store.List());
            Assert.Equal(1, _p.Count("upgrade"));
        }

        [ClusterFact]
        public async Task Executing_a_plan_asks_helm_for_the_release_list_once_and_upgrades_once()
        {
            _p.Redis();
            _p.ApplyOne();
            _p.Redis(size: "2Gi");
            int listsBefore = _p.Count("list");
            var engine = new ApplyEngine(_p.Session);
            ApplyPlan plan = await engine.PlanAsync(_p.Load(), new ApplyOptions(), CancellationToken.None);

            AppResult r = Assert.Single(await Execute(engine, plan.ConfirmedFor(new[] { "redis" })));

            Assert.Equal(AppOutcome.Upgraded, r.Outcome);
            Assert.Equal(2, r.Revision);
            Assert.Equal(1, _p.Count("list") - listsBefore);
            Assert.Equal(2, _p.Count("upgrade"));
        }

        [ClusterFact]
        public async Task An_app_deployed_by_another_run_after_planning_is_refused_and_left_alone()
        {
            _p.Redis();
            _p.ApplyOne();
            _p.Redis(size: "2Gi");
            var engine = new ApplyEngine(_p.Session);
            ApplyPlan plan = await engine.PlanAsync(_p.Load(), new ApplyOptions(), CancellationToken.None);
            // Meanwhile someone else applies another change.
            _p.Redis(size: "3Gi");
            Assert.Equal(AppOutcome.Upgraded, _p.ApplyOne().Outcome);

            AppResult r = Assert.Single(await Execute(engine, ConfirmedWhole(plan)));

            Assert.Equal(AppOutcome.Failed, r.Outcome);
            Assert.Equal("PlanOutdated", r.ErrorId);
            Assert.Contains("revision 2 is deployed now, not 1", r.Message);
            Assert.Equal(2, _p.Count("upgrade"));
            Assert.Equal(2, _p.Store.List().Count);
        }

        [ClusterFact]
        public async Task A_plan_nobody_reviewed_is_made_again_for_an_app_another_run_deployed_meanwhile()
        {
            _p.Redis();
            _p.ApplyOne();
            _p.Redis(size: "2Gi");
            var engine = new ApplyEngine(_p.Session);
            ApplyPlan plan = await engine.PlanAsync(_p.Load(), new ApplyOptions(), CancellationToken.None);
            Assert.Equal(AppOutcome.Upgraded, _p.ApplyOne().Outcome); // the same change, by another run

            AppResult r = Assert.Single(await Execute(engine, plan));

            Assert.Equal(AppOutcome.Unchanged, r.Outcome);
            Assert.Equal(2, r.Revision);
            Assert.Equal(2, _p.Count("upgrade"));
        }

        [ClusterFact]
        public async Task Executing_only_the_confirmed_part_leaves_the_rest_alone()
        {
            _p.Redis();
            _p.Write("config.yaml", "namespace: state-demo\napps:\n  redis:\n    chart: bitnami/redis\n    version: 17.13.2\n" +
                "  web:\n    chart: bitnami/nginx\n    version: 15.0.0\n");
            var engine = new ApplyEngine(_p.Session);
            ApplyPlan plan = await engine.PlanAsync(_p.Load(), new ApplyOptions(), CancellationToken.None);
            Assert.Equal(new[] { PlannedAction.Install, PlannedAction.Install }, plan.Apps.Select(a => a.Action));

            AppResult r = Assert.Single(await Execute(engine, plan.ConfirmedFor(new[] { "web" })));

            Assert.Equal("web", r.App);
            Assert.Equal(AppOutcome.Installed, r.Outcome);
            Assert.Equal(new[] { "web" }, _p.Store.List().Select(d => d.App));
        }
    }
}
