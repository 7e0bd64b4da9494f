using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SBKube.Core.State;
using SBKube.Tests.Shared;
using Xunit;

namespace SBKube.PowerShell.Tests
{
    /// <summary>Invoke-SbkubeApply -HealthCheck and -RollbackOnFailure in-process against real Helm.</summary>
    [Collection(ClusterEnvironment.Name)]
    public sealed class HealthCheckTests : ClusterProject
    {
        private const string Quick = "-HealthTimeout 2s -HealthInterval 00:00:00.2";

        private static string Outcome(PsResult r, string app, string operation) => r.Output
            .Single(o => o.Properties["App"] != null && (string)o.Properties["App"].Value == app && (string)o.Properties["Operation"].Value == operation)
            .Properties["Outcome"].Value.ToString()!;

        [ClusterFact]
        public void A_failed_health_check_rolls_back_what_the_run_changed_and_reports_both()
        {
            PsHost ps = Host();
            Assert.Empty(ps.Run(Apply() + " | Out-Null").Errors);
            Values("v2");
            ForgetCalls();

            PsResult r = ps.Run(Apply($"-HealthCheck {{ $false }} {Quick} -RollbackOnFailure"));

            Assert.True(r.Errors.Count == 1, r.ToString());
            ErrorRecord error = r.Errors[0];
            Assert.Equal("HealthCheckFailed", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("the script returned $false", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("first back at revision 3", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal("Upgraded", Outcome(r, "first", "apply"));
            Assert.Equal("RolledBack", Outcome(r, "first", "rollback"));
            Assert.Equal("Unchanged", Outcome(r, "second", "apply"));
            Assert.DoesNotContain(r.Output, o => (string)o.Properties["App"].Value == "second" && (string)o.Properties["Operation"].Value == "rollback");
            DeploymentRecord deployed = ps.Store().GetDeployed("flow", "first")!;
            Assert.Equal(3, deployed.Revision);
            Assert.Equal("Rollback to revision 1 (health check failed: the script returned $false, not $true)", deployed.Description);
            Assert.Equal(1, Calls().Count(c => c == "rollback"));
        }

        [ClusterFact]
        public void A_health_check_that_passes_on_a_later_try_changes_nothing_back()
        {
            PsHost ps = Host();
            PsResult r = ps.Run("$script:tries = 0; " +
                Apply($"-HealthCheck {{ $script:tries++; $script:tries -ge 3 }} {Quick} -RollbackOnFailure") + "; \"tries=$script:tries\"");

            Assert.True(r.Errors.Count == 0, r.ToString());
            Assert.Equal("tries=3", r.Output.Last().BaseObject);
            Assert.DoesNotContain("rollback", Calls());
            Assert.DoesNotContain("uninstall", Calls());
            Assert.Equal(2, ps.Store().List().Count(d => d.Status == DeploymentStatus.Deployed));
        }

        [ClusterFact]
        public void Without_RollbackOnFailure_a_failed_check_is_reported_and_nothing_goes_back()
        {
            PsHost ps = Host();
            PsResult r = ps.Run(Apply($"-HealthCheck {{ throw 'db down' }} {Quick}"));

            ErrorRecord error = Assert.Single(r.Errors);
            Assert.Contains("the script threw: db down", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing was rolled back", error.Exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("uninstall", Calls());
            Assert.Equal(2, ps.Store().List().Count(d => d.Status == DeploymentStatus.Deployed));
        }

        [ClusterFact]
        public void Apps_a_run_installed_are_uninstalled_dependents_first_when_the_check_fails()
        {
            PsHost ps = Host();
            PsResult r = ps.Run(Apply($"-HealthCheck {{ $false }} {Quick} -RollbackOnFailure"));

            Assert.True(r.Errors.Count == 1, r.ToString());
            string[] undone = r.Output.Where(o => (string)o.Properties["Operation"].Value == "delete")
                .Select(o => (string)o.Properties["App"].Value).ToArray();
            Assert.Equal(new[] { "second", "first" }, undone);
            StateStore store = ps.Store();
            Assert.Null(store.GetDeployed("flow", "first"));
            Assert.Null(store.GetDeployed("flow", "second"));
            Assert.StartsWith("Uninstalled: it had no revision before the run (health check failed",
                store.GetLatest("flow", "first")!.Description, StringComparison.Ordinal);
        }

        [ClusterFact]
        public void A_failed_app_with_RollbackOnFailure_returns_the_others_and_skips_the_check()
        {
            PsHost ps = Host();
            Assert.Empty(ps.Run(Apply() + " | Out-Null").Errors);
            Values("v2");
            // second's new version never becomes ready: Helm's wait for it times out.
            Config("first: { chart: bitnami/nginx, version: 15.0.0 }\n  second: { chart: bitnami/nginx, version: 15.1.0, wait: true, timeout: 3s }");
            Faults("{\"never_ready\": [\"flow/second\"]}");

            PsResult r = ps.Run("$script:ran = $false; " +
                Apply($"-HealthCheck {{ $script:ran = $true; $true }} {Quick} -RollbackOnFailure") + "; \"ran=$script:ran\"");

            Assert.True("ran=False".Equals(r.Output.Last().BaseObject), r.ToString());
            Assert.Contains(r.Errors, e => e.Exception.Message.Contains("context deadline exceeded", StringComparison.Ordinal));
            Assert.Equal("RolledBack", Outcome(r, "first", "rollback"));
            Assert.Equal("RolledBack", Outcome(r, "second", "rollback"));
            StateStore store = ps.Store();
            Assert.Equal("Rollback to revision 1 (apply of second failed)", store.GetDeployed("flow", "first")!.Description);
            Assert.Equal("15.0.0", store.GetDeployed("flow", "second")!.ChartVersion);
        }

        [ClusterFact]
        public void A_health_check_that_is_neither_a_script_nor_a_URL_is_refused_before_anything_changes()
        {
            PsHost ps = Host();
            PsResult r = ps.Run(Apply("-HealthCheck 'ftp://example.com/ready'"));

            ErrorRecord error = Assert.Single(r.Errors);
            Assert.Equal("InvalidHealthCheck", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("-HealthCheck 'ftp://example.com/ready' is not valid", error.Exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("upgrade", Calls());
            Assert.False(File.Exists(ps.StatePath) && ps.Store().List().Count > 0);
        }
    }
}
