using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading;
using SBKube.Core.State;
using Xunit;

namespace SBKube.PowerShell.Tests
{
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class HelmSimEnvironment
    {
        public const string Name = "HelmSim (process environment)";
    }

    /// <summary>A project of two apps (second depends on first) and a HelmSim home of its own, for in-process cmdlet tests.</summary>
    public abstract class HelmSimProject : IDisposable
    {
        protected readonly string _home;
        protected readonly string _project;
        private readonly string? _oldHome = Environment.GetEnvironmentVariable("HELMSIM_HOME");
        private readonly string? _oldHelm = Environment.GetEnvironmentVariable("SBKUBE_HELM");
        protected PsHost? _ps;

        protected HelmSimProject()
        {
            string root = Path.Combine(Path.GetTempPath(), "sbkube-flow-" + Guid.NewGuid().ToString("N").Substring(0, 10));
            _home = Path.Combine(root, "helmsim");
            _project = Path.Combine(root, "project");
            Directory.CreateDirectory(_home);
            Directory.CreateDirectory(Path.Combine(_project, "values"));
            Environment.SetEnvironmentVariable("HELMSIM_HOME", _home);
            Environment.SetEnvironmentVariable("SBKUBE_HELM", Path.Combine(AppContext.BaseDirectory, "helmsim", OperatingSystem.IsWindows() ? "helm.exe" : "helm"));
            File.WriteAllText(Path.Combine(_project, "sources.yaml"), "helm_repos:\n  bitnami: https://charts.bitnami.com/bitnami\n");
            Config("first: { chart: bitnami/nginx, version: 15.0.0 }\n  second: { chart: bitnami/nginx, version: 15.0.0, depends_on: [first] }");
            Values("v1");
        }

        public virtual void Dispose()
        {
            _ps?.Dispose();
            Environment.SetEnvironmentVariable("HELMSIM_HOME", _oldHome);
            Environment.SetEnvironmentVariable("SBKUBE_HELM", _oldHelm);
            Directory.Delete(Path.GetDirectoryName(_home)!, recursive: true);
        }

        protected PsHost Host(string? answer = null) => _ps = new PsHost(answer == null ? null : new AnsweringHost(answer));

        protected void Config(string apps) => File.WriteAllText(Path.Combine(_project, "config.yaml"),
            "namespace: flow\napps:\n  " + apps.Replace("first: {", "first: { values: [first.yaml],") + "\n");

        protected void Values(string password) => File.WriteAllText(Path.Combine(_project, "values", "first.yaml"), $"auth:\n  password: {password}\n");

        protected string[] Calls() => File.Exists(Path.Combine(_home, "calls.log"))
            ? File.ReadAllLines(Path.Combine(_home, "calls.log")).Where(l => l.Length > 0)
                .Select(l => (string)((JsonArray)JsonNode.Parse(l)!["argv"]!)[0]!).ToArray()
            : Array.Empty<string>();

        protected void ForgetCalls() => File.Delete(Path.Combine(_home, "calls.log"));

        protected string Apply(string extra = "") => $"Invoke-SbkubeApply -Path '{_project}' -StatePath $StatePath {extra}";
    }

    /// <summary>Apply, rollback and delete cmdlets in-process against HelmSim: plan once, confirm, execute, stop.</summary>
    [Collection(HelmSimEnvironment.Name)]
    public sealed class CmdletFlowTests : HelmSimProject
    {
        [Fact]
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

        [Fact]
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

        [Fact]
        public void Stopping_an_apply_lets_the_running_app_finish_and_starts_no_other()
        {
            PsHost ps = Host();
            File.WriteAllText(Path.Combine(_home, "faults.json"), "{\"delay_ms_by_command\": {\"upgrade\": 2500}}");
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

        [Fact]
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

        [Fact]
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

        [Fact]
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
