using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading;
using SBKube.Core.State;
using SBKube.Tests.Shared;
using Xunit;

namespace SBKube.PowerShell.Tests
{
    /// <summary>Real Helm finds the stand-in through process-wide environment variables: these tests run one at a time.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ClusterEnvironment
    {
        public const string Name = "Real Helm (process environment)";
    }

    /// <summary>
    /// A project of two apps (second depends on first) and a cluster of its own (real Helm 4 against the API
    /// stand-in), for in-process cmdlet tests.
    /// </summary>
    public abstract class ClusterProject : IDisposable
    {
        private readonly string _root;
        protected readonly string _project;
        private readonly StandInCluster _cluster;
        private readonly string? _oldHelm = Environment.GetEnvironmentVariable("SBKUBE_HELM");
        protected PsHost? _ps;

        protected ClusterProject()
        {
            _root = Path.Combine(Path.GetTempPath(), "sbkube-flow-" + Guid.NewGuid().ToString("N").Substring(0, 10));
            _project = Path.Combine(_root, "project");
            Directory.CreateDirectory(Path.Combine(_project, "values"));
            _cluster = new StandInCluster(_root);
            Environment.SetEnvironmentVariable("SBKUBE_HELM", _cluster.HelmExe);
            File.WriteAllText(Path.Combine(_project, "sources.yaml"), $"helm_repos:\n  bitnami: {_cluster.BitnamiUrl}\n");
            Config("first: { chart: bitnami/nginx, version: 15.0.0 }\n  second: { chart: bitnami/nginx, version: 15.0.0, depends_on: [first] }");
            Values("v1");
        }

        public virtual void Dispose()
        {
            _ps?.Dispose();
            _cluster.Dispose();
            Environment.SetEnvironmentVariable("SBKUBE_HELM", _oldHelm);
            Directory.Delete(_root, recursive: true);
        }

        protected PsHost Host(string? answer = null) => _ps = new PsHost(answer == null ? null : new AnsweringHost(answer));

        protected void Config(string apps) => File.WriteAllText(Path.Combine(_project, "config.yaml"),
            "namespace: flow\napps:\n  " + apps.Replace("first: {", "first: { values: [first.yaml],") + "\n");

        protected void Values(string password) => File.WriteAllText(Path.Combine(_project, "values", "first.yaml"), $"auth:\n  password: {password}\n");

        /// <summary>The helm commands SBKube ran (upgrade, history, ...), oldest first.</summary>
        protected string[] Calls() => _cluster.Calls().Select(c => c.Command).ToArray();

        protected void ForgetCalls() => _cluster.ForgetCalls();

        /// <summary>Writes the stand-in's faults (tests/KubeStandIn/Faults.cs).</summary>
        protected void Faults(string? json) => _cluster.Faults(json);

        protected string Apply(string extra = "") => $"Invoke-SbkubeApply -Path '{_project}' -StatePath $StatePath {extra}";
    }

    /// <summary>Apply, rollback and delete cmdlets in-process against real Helm: plan once, confirm, execute, stop.</summary>
    [Collection(ClusterEnvironment.Name)]
    public sealed class CmdletFlowTests : ClusterProject
    {
        [ClusterFact]
        public void Apply_with_Confirm_plans_once_and_executes_what_was_confirmed()
        {
            PsHost ps = Host("A");
            Assert.Empty(ps.Run(Apply() + " | Out-Null").Errors);
            Values("v2");
            ForgetCalls();

            PsResult r = ps.Run(Apply("-Confirm"));

            Assert.True(r.Errors.Count == 0, r.ToString());
            Assert.Equal("Upgraded", r.Output.Single(o => (string)o.Properties["App"].Value == "first").Properties["Outcome"].Value.ToString());
            string[] calls = Calls();
            Assert.Equal(1, calls.Count(c => c == "list"));
            Assert.Equal(1, calls.Count(c => c == "upgrade"));
            Assert.Contains(((AnsweringHost)_ps!.HostForTests!).Prompts, p => p.Contains("Upgrade: Updated values", StringComparison.Ordinal) && !p.Contains("Would", StringComparison.Ordinal));
        }

        [ClusterFact]
        public void Apply_with_Confirm_answered_no_changes_nothing()
        {
            PsHost ps = Host("L");
            PsResult r = ps.Run(Apply("-Confirm"));

            Assert.True(r.Errors.Count == 0, r.ToString());
            Assert.Empty(r.Output);
            Assert.DoesNotContain("upgrade", Calls());
            StateStore store = ps.Store();
            Assert.Empty(store.List());
        }

        [ClusterFact]
        public void Stopping_an_apply_lets_the_running_app_finish_and_starts_no_other()
        {
            PsHost ps = Host();
            // Slow writes: an install takes a few seconds.
            Faults("{\"slow_writes_ms\": 600}");
            using System.Management.Automation.PowerShell pipeline = ps.NewPipeline(Apply());
            IAsyncResult running = pipeline.BeginInvoke();
            DateTime deadline = DateTime.UtcNow.AddSeconds(60);
            // The first app's revision is pending while its upgrade runs.
            while (!ps.Store().List().Any(d => DeploymentStatus.IsPending(d.Status)) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            pipeline.Stop();

            Assert.Throws<PipelineStoppedException>(() => pipeline.EndInvoke(running));
            StateStore store = ps.Store();
            DeploymentRecord first = Assert.Single(store.List());
            Assert.Equal("first", first.App);
            Assert.Equal(DeploymentStatus.Deployed, first.Status);
            Assert.Equal(1, Calls().Count(c => c == "upgrade"));
        }

        [ClusterFact]
        public void Rollback_and_delete_run_through_the_same_base()
        {
            PsHost ps = Host();
            Assert.Empty(ps.Run(Apply() + " | Out-Null").Errors);
            Values("v2");
            Assert.Empty(ps.Run(Apply() + " | Out-Null").Errors);

            PsResult back = ps.Run("Invoke-SbkubeRollback -Namespace flow -App first -Revision 1 -StatePath $StatePath -Confirm:$false");
            Assert.True(back.Errors.Count == 0, back.ToString());
            Assert.Equal("RolledBack", back.Output.Single().Properties["Outcome"].Value.ToString());

            PsResult gone = ps.Run("Remove-SbkubeApp -Namespace flow -StatePath $StatePath -Confirm:$false -PassThru");
            Assert.True(gone.Errors.Count == 0, gone.ToString());
            Assert.Equal(new[] { "Uninstalled", "Uninstalled" }, gone.Output.Select(o => o.Properties["Outcome"].Value.ToString()));
            Assert.Equal(new[] { "second", "first" }, gone.Output.Select(o => (string)o.Properties["App"].Value));
        }

        [ClusterFact]
        public void Rollback_plans_with_one_helm_history_shows_that_plan_under_WhatIf_and_executes_it_without_asking_again()
        {
            PsHost ps = Host();
            Assert.Empty(ps.Run(Apply() + " | Out-Null").Errors);
            Values("v2");
            Assert.Empty(ps.Run(Apply() + " | Out-Null").Errors);
            ForgetCalls();

            PsResult plan = ps.Run("Invoke-SbkubeRollback -Namespace flow -App first -Revision 1 -StatePath $StatePath -WhatIf");
            PSObject change = Assert.Single(plan.Output);
            Assert.Equal("Rollback", change.Properties["Action"].Value.ToString());
            Assert.Equal(2, (int?)change.Properties["DeployedRevision"].Value);
            Assert.Equal(new[] { "history" }, Calls());

            ForgetCalls();
            PsResult back = ps.Run("Invoke-SbkubeRollback -Namespace flow -App first -Revision 1 -StatePath $StatePath -Confirm:$false");
            Assert.True(back.Errors.Count == 0, back.ToString());
            Assert.Equal(new[] { "history", "rollback" }, Calls());
        }

        [ClusterFact]
        public void Remove_with_Force_asks_nothing_yet_WhatIf_still_only_reports()
        {
            PsHost ps = Host("L"); // every prompt answered "No to All"
            Assert.Empty(ps.Run(Apply() + " | Out-Null").Errors);

            PsResult whatIf = ps.Run("Remove-SbkubeApp -Namespace flow -StatePath $StatePath -Force -WhatIf");
            // The plan, in removal order: dependents first.
            Assert.Equal(new[] { "second", "first" }, whatIf.Output.Select(o => (string)o.Properties["App"].Value));
            Assert.All(whatIf.Output, o => Assert.Equal("Uninstall", o.Properties["Action"].Value.ToString()));
            Assert.DoesNotContain("uninstall", Calls());

            PsResult asked = ps.Run("Remove-SbkubeApp -Namespace flow -App first -StatePath $StatePath -Force -Confirm");
            Assert.Empty(asked.Output); // -Confirm given: asked, and answered no
            Assert.NotEmpty(((AnsweringHost)ps.HostForTests!).Prompts);

            PsResult gone = ps.Run("Remove-SbkubeApp -Namespace flow -StatePath $StatePath -Force -PassThru");
            Assert.True(gone.Errors.Count == 0, gone.ToString());
            Assert.Equal(new[] { "Uninstalled", "Uninstalled" }, gone.Output.Select(o => o.Properties["Outcome"].Value.ToString()));
        }
    }
}
