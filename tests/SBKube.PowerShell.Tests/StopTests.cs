using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using Microsoft.Data.Sqlite;
using SBKube.Core.State;
using SBKube.Tests.Shared;
using Xunit;

namespace SBKube.PowerShell.Tests
{
    /// <summary>
    /// Ctrl+C (PowerShell.Stop) behaves the same in apply, rollback and delete: it ends a wait for a lock at
    /// once, nothing is sent to the cluster, and the app gets no revision: the stopped attempt is on the record.
    /// </summary>
    [Collection(ClusterEnvironment.Name)]
    public sealed class StopTests : ClusterProject
    {
        [ClusterTheory]
        [InlineData("Invoke-SbkubeApply -Path '{0}' -StatePath $StatePath -LockTimeout 40s", "upgrade")]
        [InlineData("Invoke-SbkubeRollback -Namespace flow -App first -Revision 1 -StatePath $StatePath -LockTimeout 40s -Confirm:$false", "rollback")]
        [InlineData("Remove-SbkubeApp -Namespace flow -App first -StatePath $StatePath -LockTimeout 40s -Force", "uninstall")]
        public void Stopping_a_command_that_waits_for_the_app_lock_ends_the_wait_and_changes_nothing(string command, string change)
        {
            PsHost ps = Host();
            Assert.Empty(ps.Run(Apply() + " | Out-Null").Errors);
            Values("v2");
            Assert.Empty(ps.Run(Apply() + " | Out-Null").Errors);
            Values("v3");
            HoldAppLockElsewhere(ps.StatePath, "flow", "first");
            ForgetCalls();

            using System.Management.Automation.PowerShell pipeline = ps.NewPipeline(string.Format(System.Globalization.CultureInfo.InvariantCulture, command, _project) + " -Verbose");
            using var waiting = new ManualResetEventSlim();
            string? said = null;
            pipeline.Streams.Verbose.DataAdded += (sender, e) =>
            {
                string message = ((PSDataCollection<VerboseRecord>)sender!)[e.Index].Message;
                if (message.StartsWith("Waiting up to 40s ", StringComparison.Ordinal))
                {
                    said = message;
                    waiting.Set();
                }
            };
            IAsyncResult running = pipeline.BeginInvoke();
            Assert.True(waiting.Wait(TimeSpan.FromSeconds(30)), "the command never said it was waiting for the lock");
            Assert.Contains("flow/first: it is locked by ci@other-host for 'apply'", said);
            Assert.Contains("(lock ID elsewhere01)", said);
            var clock = Stopwatch.StartNew();
            pipeline.Stop();
            Assert.Throws<PipelineStoppedException>(() => pipeline.EndInvoke(running));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the stop took {clock.Elapsed.TotalSeconds:0.0} s: the lock wait went on");
            Assert.DoesNotContain(change, Calls());
            Assert.Equal(new[] { 1, 2 }, ps.Store().History("flow", "first").Select(r => r.Revision));
            Assert.DoesNotContain(ps.Store().List(), r => DeploymentStatus.IsPending(r.Status));
            // The stopped attempt is on the record, without a revision.
            var audit = new System.Collections.Generic.List<AuditEntry>();
            ps.Store().StreamAudit(new AuditQuery { Namespace = "flow", App = "first" }, audit.Add);
            AuditEntry stopped = audit.Last();
            Assert.Equal((change == "uninstall" ? HistoryAction.Delete : change, AuditOutcome.Cancelled, (int?)null),
                (stopped.Action, stopped.Outcome, stopped.Revision));
            Assert.Contains("(CANCELLED: ", stopped.Description, StringComparison.Ordinal);
        }

        /// <summary>A live lease of another host's run on the app: waited for, never taken over.</summary>
        private static void HoldAppLockElsewhere(string statePath, string ns, string app)
        {
            using var conn = new SqliteConnection($"Data Source={statePath};Pooling=False");
            conn.Open();
            using SqliteCommand cmd = conn.CreateCommand();
            cmd.CommandText = "INSERT INTO locks (lock_id, context, namespace, app, owner, pid, host, operation, acquired_at, expires_at) " +
                "VALUES ('elsewhere01', '', @ns, @app, 'ci@other-host', 4242, 'other-host', 'apply', @now, @until)";
            cmd.Parameters.AddWithValue("@ns", ns);
            cmd.Parameters.AddWithValue("@app", app);
            cmd.Parameters.AddWithValue("@now", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture));
            cmd.Parameters.AddWithValue("@until", DateTime.UtcNow.AddMinutes(10).ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
        }
    }
}
