using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using SBKube.Tests.Shared;
using SBKube.Core.Engine;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>Apply, rollback and delete with real Helm against the Kubernetes API stand-in.</summary>
    [Collection(ClusterCollection.Name)]
    public sealed partial class EngineClusterTests : IDisposable
    {
        private readonly ClusterProject _p = new ClusterProject();

        public void Dispose() => _p.Dispose();

        [ClusterFact]
        public void Apply_Installs_ThenIsUnchanged_WithoutAnUpgradeCall()
        {
            _p.Redis();

            AppResult first = _p.ApplyOne();
            Assert.True(first.Outcome == AppOutcome.Installed, first.Message);
            Assert.Equal(1, first.Revision);
            Assert.Equal(1, first.HelmRevision);
            Assert.Equal(DeploymentStatus.Deployed, first.Status);
            Assert.Equal("redis-17.13.2", first.Chart);
            Assert.Equal("Initial deployment", first.Description);
            DeploymentRecord row = _p.Store.GetDeployed("state-demo", "redis")!;
            Assert.Equal(1, row.Revision);
            Assert.Equal("bitnami/redis", row.ChartRef);
            Assert.Equal("17.13.2", row.ChartVersion);
            Assert.Equal("deploy", Assert.Single(_p.Store.HistoryEntries(row.Id)).Action);
            RevisionSnapshot snap = RevisionSnapshot.FromJson(row.Config!);
            Assert.Equal("state-demo-v1", (string?)snap.Values["auth"]!["password"]);
            Assert.Equal(1, _p.Count("upgrade"));

            AppResult second = _p.ApplyOne();
            Assert.Equal(AppOutcome.Unchanged, second.Outcome);
            Assert.Equal(1, second.Revision);
            Assert.Equal(1, _p.Count("upgrade"));
            Assert.Single(_p.Store.History("state-demo", "redis"));
        }

        [ClusterFact]
        public void An_app_past_the_first_256_releases_of_its_namespace_is_seen_as_installed()
        {
            // helm list stops at 256 releases unless told otherwise: 300 releases sorted before redis would
            // hide it, and an unchanged apply would upgrade it again.
            _p.Redis();
            Assert.Equal(AppOutcome.Installed, _p.ApplyOne().Outcome);
            // 300 more releases in the namespace, sorted before redis: copies of its release Secret.
            _p.CopyRelease("state-demo", "redis", Enumerable.Range(0, 300).Select(i => "aaa-" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(301, JsonNode.Parse(_p.Helm("list", "--namespace", "state-demo", "--max", "0", "-o", "json").Out)!.AsArray().Count);

            AppResult again = _p.ApplyOne();
            Assert.True(again.Outcome == AppOutcome.Unchanged, again.Outcome + ": " + again.Message);
            Assert.Equal(1, _p.Count("upgrade"));
        }

        [ClusterFact]
        public void An_unchanged_apply_writes_nothing_to_the_store_but_still_fails_on_a_freeze()
        {
            _p.Redis();
            Assert.Equal(AppOutcome.Installed, _p.ApplyOne().Outcome);
            // data_version moves when another connection commits, so it counts the apply's writes.
            using var watcher = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + _p.DbPath);
            watcher.Open();
            long DataVersion()
            {
                using var cmd = watcher.CreateCommand();
                cmd.CommandText = "PRAGMA data_version;";
                return (long)cmd.ExecuteScalar()!;
            }
            long before = DataVersion();
            Assert.Equal(AppOutcome.Unchanged, _p.ApplyOne().Outcome);
            Assert.Equal(before, DataVersion());

            LockRecord freeze = NamespaceLocks.Freeze(_p.Store, "state-demo", null, "maintenance", null);
            AppResult frozen = _p.ApplyOne();
            Assert.Equal(AppOutcome.Failed, frozen.Outcome);
            Assert.Equal(ErrorIds.LockHeld, frozen.ErrorId);
            _p.Store.ReleaseLock(freeze.LockId);
            Assert.Equal(AppOutcome.Unchanged, _p.ApplyOne().Outcome);
        }

        [ClusterFact]
        public void Apply_SeedScenario_ValuesThenChartVersion()
        {
            _p.Redis();
            _p.ApplyOne();

            _p.Redis(size: "2Gi");
            AppResult values = _p.ApplyOne();
            Assert.Equal(AppOutcome.Upgraded, values.Outcome);
            Assert.Equal(2, values.Revision);
            Assert.Equal("Updated values", values.Description);

            _p.Redis(version: "18.0.0", size: "2Gi");
            AppResult chart = _p.ApplyOne(new ApplyOptions { Force = true });
            Assert.True(chart.Outcome == AppOutcome.Upgraded, chart.Message);
            Assert.Equal(3, chart.Revision);
            Assert.Equal("Upgraded chart 17.13.2 → 18.0.0", chart.Description);
            Assert.Equal("redis-18.0.0", chart.Chart);

            IReadOnlyList<DeploymentRecord> rows = _p.Store.History("state-demo", "redis");
            Assert.Equal(new[] { "superseded", "superseded", "deployed" }, rows.Select(r => r.Status).ToArray());
            Assert.Equal(new[] { "redis-17.13.2", "redis-17.13.2", "redis-18.0.0" }, rows.Select(r => r.Chart).ToArray());
            Assert.Equal(new[] { "Initial deployment", "Updated values", "Upgraded chart 17.13.2 → 18.0.0" }, rows.Select(r => r.Description).ToArray());
            Assert.Equal("upgrade", Assert.Single(_p.Store.HistoryEntries(rows[2].Id)).Action);
            Assert.Equal(new[] { 1, 2, 3 }, rows.Select(r => r.HelmRevision ?? 0).ToArray());
        }

        [ClusterFact]
        public void Apply_Force_RedeploysAnUnchangedApp()
        {
            _p.Redis();
            _p.ApplyOne();
            AppResult forced = _p.ApplyOne(new ApplyOptions { Force = true });
            Assert.Equal(AppOutcome.Upgraded, forced.Outcome);
            Assert.Equal(2, forced.Revision);
            Assert.Equal(2, _p.Count("upgrade"));
        }

        [ClusterFact]
        public void Apply_WhatIf_RecordsNothing_AndCallsNoUpgrade()
        {
            _p.Redis();
            PlannedApp planned = Assert.Single(new ApplyEngine(_p.Session).PlanAsync(_p.Load(), new ApplyOptions(), CancellationToken.None)
                .GetAwaiter().GetResult().Apps);
            Assert.Equal(PlannedAction.Install, planned.Action);
            Assert.Contains("install", planned.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(_p.Store.List());
            Assert.Equal(0, _p.Count("upgrade"));
        }

        [ClusterFact]
        public void Apply_HelmFailure_RecordsAFailedRow_AndKeepsThePreviousDeployed()
        {
            _p.Redis();
            _p.ApplyOne();
            _p.Faults("{\"forbidden\": {\"namespaces\": [\"state-demo\"], \"resources\": [\"statefulsets\"]}}");
            _p.Redis(size: "2Gi");

            AppResult failed = _p.ApplyOne();

            Assert.Equal(AppOutcome.Failed, failed.Outcome);
            Assert.Equal(2, failed.Revision);
            Assert.Equal(DeploymentStatus.Failed, failed.Status);
            Assert.Contains("is forbidden", failed.Message);
            Assert.StartsWith("Helm", failed.ErrorId);
            DeploymentRecord failedRow = _p.Store.Get("state-demo", "redis", 2)!;
            Assert.Equal(DeploymentStatus.Failed, failedRow.Status);
            Assert.Contains("FAILED", failedRow.Description);
            Assert.Equal("upgrade", Assert.Single(_p.Store.HistoryEntries(failedRow.Id)).Action);
            Assert.Equal(1, _p.Store.GetDeployed("state-demo", "redis")!.Revision);

            // Once writes are allowed again, the next apply goes through.
            _p.Faults(null);
            AppResult retry = _p.ApplyOne();
            Assert.Equal(AppOutcome.Upgraded, retry.Outcome);
            Assert.Equal(3, retry.Revision);
        }

        [ClusterFact]
        public void Apply_FailureMessage_HasSecretsMasked()
        {
            // The test chart refuses a password with a space, repeating it in its error as Bitnami's checks do.
            _p.Redis(password: "Sup3r SecretPw");

            AppResult failed = _p.ApplyOne();

            Assert.Equal(AppOutcome.Failed, failed.Outcome);
            Assert.Contains("must not contain spaces", failed.Message);
            Assert.DoesNotContain("Sup3r SecretPw", failed.Message);
            // The chart refused to render, so Helm recorded nothing: the attempt is a history row of its own.
            Assert.Null(_p.Store.Get("state-demo", "redis", 1));
            var attempts = new List<AuditEntry>();
            _p.Store.StreamAudit(new AuditQuery { Namespace = "state-demo", App = "redis" }, attempts.Add);
            AuditEntry attempt = Assert.Single(attempts);
            Assert.Equal(AuditOutcome.Failed, attempt.Outcome);
            Assert.Contains("must not contain spaces", attempt.Description);
            Assert.DoesNotContain("Sup3r SecretPw", attempt.Description);
            Assert.Null(_p.Store.GetDeployed("state-demo", "redis"));
        }

        [ClusterFact]
        public void Apply_AfterAManualHelmUpgrade_DetectsDrift()
        {
            _p.Redis();
            _p.ApplyOne();
            var manual = _p.Helm("upgrade", "redis", "bitnami/redis", "-n", "state-demo", "--version", "17.13.2", "--set", "replica.replicaCount=5");
            Assert.True(manual.Code == 0, manual.Err);

            AppResult next = _p.ApplyOne();

            Assert.NotEqual(AppOutcome.Unchanged, next.Outcome);
            Assert.True(next.Outcome == AppOutcome.Upgraded, next.Message);
            Assert.Contains("drift", next.Description, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(3, next.HelmRevision);
            Assert.Equal(AppOutcome.Unchanged, _p.ApplyOne().Outcome);
        }

        [ClusterFact]
        public void Apply_DependencyFailure_SkipsTheDependent()
        {
            _p.Write("config.yaml",
                "namespace: state-demo\n" +
                "apps:\n" +
                "  b:\n" +
                "    chart: bitnami/nginx\n" +
                "    depends_on: [a]\n" +
                "  a:\n" +
                "    chart: bitnami/redis\n" +
                "  c:\n" +
                "    chart: bitnami/nginx\n");
            // Writes of StatefulSets are refused: a (redis) fails, the nginx apps do not.
            _p.Faults("{\"forbidden\": {\"namespaces\": [\"state-demo\"], \"resources\": [\"statefulsets\"]}}");

            List<AppResult> results = _p.Apply();

            AppResult a = results.Single(r => r.App == "a");
            AppResult b = results.Single(r => r.App == "b");
            AppResult c = results.Single(r => r.App == "c");
            Assert.Equal(AppOutcome.Failed, a.Outcome);
            Assert.Equal(AppOutcome.Skipped, b.Outcome);
            Assert.Contains("'a'", b.Message);
            Assert.Contains("failed", b.Message);
            Assert.Equal("DependencySkipped", b.ErrorId);
            Assert.Equal(AppOutcome.Installed, c.Outcome);
            Assert.DoesNotContain(_p.Calls(), call => call.Command == "upgrade" && call.Release == "b");
            Assert.Empty(_p.Store.List(app: "b"));
            Assert.True(results.IndexOf(a) < results.IndexOf(b));

            // Next run, writes allowed again: a installs first, then b.
            _p.Faults(null);
            List<AppResult> again = _p.Apply();
            Assert.Equal(AppOutcome.Installed, again.Single(r => r.App == "a").Outcome);
            Assert.Equal(AppOutcome.Installed, again.Single(r => r.App == "b").Outcome);
            List<ToolCall> upgrades = _p.Calls().Where(call => call.Command == "upgrade" && call.Exit == 0).ToList();
            ToolCall ua = upgrades.Last(u => u.Release == "a");
            ToolCall ub = upgrades.Last(u => u.Release == "b");
            Assert.True(ua.End <= ub.Start, "b started before a finished");
        }

        [ClusterTheory]
        [InlineData(3)]
        [InlineData(1)]
        public void Apply_IndependentApps_RunInParallelUpToTheThrottleLimit(int throttle)
        {
            string config = "namespace: state-demo\napps:\n";
            for (int i = 1; i <= 6; i++)
            {
                config += $"  app{i}:\n    chart: bitnami/nginx\n";
            }
            _p.Write("config.yaml", config);
            // Slow writes, so that calls overlap whenever they may.
            _p.Faults("{\"slow_writes_ms\": 150}");

            List<AppResult> results = _p.Apply(new ApplyOptions { ThrottleLimit = throttle });

            Assert.Equal(6, results.Count);
            Assert.All(results, r => Assert.True(r.Outcome == AppOutcome.Installed, r.App + ": " + r.Message));
            List<ToolCall> upgrades = _p.Calls().Where(c => c.Command == "upgrade").ToList();
            Assert.Equal(6, upgrades.Count);
            // At the instant each call started, how many were running (itself included)?
            int maxConcurrent = upgrades.Max(u => upgrades.Count(o => o.Start <= u.Start && u.Start < o.End));
            if (throttle == 1)
            {
                Assert.Equal(1, maxConcurrent);
            }
            else
            {
                Assert.InRange(maxConcurrent, 2, throttle);
            }
        }

        [ClusterFact]
        public void EngineSessionCreate_UsesSbkubeHelmFromTheEnvironment()
        {
            string? old = Environment.GetEnvironmentVariable("SBKUBE_HELM");
            Environment.SetEnvironmentVariable("SBKUBE_HELM", _p.HelmExe);
            try
            {
                EngineSession session = EngineSession.Create(_p.Store, kubeContext: null, kubeconfig: null, NullEngineLog.Instance, SBKube.Core.Security.SecretRedactor.ForStore(_p.Store));
                Assert.Equal(_p.HelmExe, session.Helm.Options.Executable);
                _p.Redis();
                AppResult r = Assert.Single(_p.ApplyWith(session));
                Assert.True(r.Outcome == AppOutcome.Installed, r.Message);
                Assert.Equal(1, _p.Count("upgrade"));
            }
            finally
            {
                Environment.SetEnvironmentVariable("SBKUBE_HELM", old);
            }
        }

        [ClusterFact]
        public void A_rollback_asks_helm_once_for_its_history_and_once_to_roll_back()
        {
            _p.Redis();
            _p.ApplyOne();
            _p.Redis(size: "2Gi");
            _p.ApplyOne();
            _p.ForgetCalls();

            AppResult r = _p.Rollback("redis", "1");

            Assert.True(r.Outcome == AppOutcome.RolledBack, r.Message);
            Assert.Equal(new[] { "history", "rollback" }, _p.Calls().Select(c => c.Command));
            Assert.Equal(3, r.HelmRevision);
        }

        [ClusterFact]
        public void Helm4_ApplyUnchangedAndForcedRollback_UseHelm4Arguments()
        {
            Helm4Scenario();
        }

        private void Helm4Scenario()
        {
            _p.Redis(extra: "    atomic: true\n");
            Assert.Equal(AppOutcome.Installed, _p.ApplyOne().Outcome);
            _p.Redis(size: "2Gi", extra: "    atomic: true\n");
            Assert.Equal(AppOutcome.Upgraded, _p.ApplyOne(new ApplyOptions { Force = true }).Outcome);
            Assert.Equal(AppOutcome.Unchanged, _p.ApplyOne().Outcome);

            AppResult r = _p.Rollback("redis", "1", new RollbackOptions { Force = true });

            Assert.True(r.Outcome == AppOutcome.RolledBack, r.Message);
            List<ToolCall> calls = _p.Calls();
            Assert.All(calls.Where(c => c.Command == "list"), c => Assert.DoesNotContain("-a", c.Argv));
            Assert.All(calls.Where(c => c.Command == "upgrade"), c =>
            {
                Assert.Contains("--rollback-on-failure", c.Argv);
                Assert.DoesNotContain("--atomic", c.Argv);
            });
            // -Force is the seed's (fetch again, recreate pods), never Helm 4's --force-replace, which it refuses
            // for server-side-applied releases.
            Assert.All(calls.Where(c => c.Command == "upgrade"), c => Assert.DoesNotContain("--force-replace", c.Argv));
            Assert.Contains(calls, c => c.Command == "repo" && c.Argv.Contains("update"));
            ToolCall rollback = Assert.Single(calls, c => c.Command == "rollback");
            Assert.DoesNotContain("--force-replace", rollback.Argv);
            Assert.DoesNotContain("--force", rollback.Argv);
        }

        [ClusterFact]
        public void Apply_ClusterUnreachable_FailsWithAClearErrorId()
        {
            _p.Redis();
            _p.Faults("{\"unreachable\": true}");
            AppResult r = _p.ApplyOne();
            Assert.Equal(AppOutcome.Failed, r.Outcome);
            Assert.Equal("Helm.ClusterUnreachable", r.ErrorId);
            Assert.Contains("unreachable", r.Message, StringComparison.OrdinalIgnoreCase);
        }

        [ClusterFact]
        public void Apply_AddsTheConfiguredRepository()
        {
            _p.Redis();
            _p.ApplyOne();
            var repos = _p.Helm("repo", "list", "-o", "json");
            Assert.Contains("\"bitnami\"", repos.Out);
            Assert.Equal(1, _p.Calls().Count(c => c.Command == "repo" && c.Argv[1] == "add"));
            _p.NewSession();
            _p.Redis(size: "2Gi");
            _p.ApplyOne();
            Assert.Equal(1, _p.Calls().Count(c => c.Command == "repo" && c.Argv[1] == "add"));
        }
    }
}
