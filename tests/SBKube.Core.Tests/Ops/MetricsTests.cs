using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SBKube.Core;
using SBKube.Core.Engine;
using SBKube.Core.Metrics;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Ops
{
    public class MetricsTests
    {
        /// <summary>
        /// state-demo/redis: the seed's scenario (4 revisions, one failed, one rollback); production/web: its
        /// latest revision failed; a live lock on production and an expired one on staging.
        /// </summary>
        internal static void Populate(OpsDb db)
        {
            db.Deploy("state-demo", "redis", action: HistoryAction.Deploy);                        // 10:00
            db.Deploy("state-demo", "redis");                                                      // 11:00
            db.Deploy("state-demo", "redis", DeploymentStatus.Failed, version: "18.0.0");          // 12:00
            db.Deploy("state-demo", "redis", action: HistoryAction.Rollback);                      // 13:00
            db.Deploy("production", "web", action: HistoryAction.Deploy);                          // 14:00
            db.Deploy("production", "web", DeploymentStatus.Failed);                               // 15:00
            // Two attempts that made no revision: a refused one counts as failed, a cancelled one does not.
            db.Store.RecordAttempt("", "production", "web", HistoryAction.Upgrade, "Updated values (FAILED: locked)", AuditOutcome.Failed, ErrorIds.LockHeld);
            db.Store.RecordAttempt("", "production", "web", HistoryAction.Upgrade, "Updated values (CANCELLED: stopped)", AuditOutcome.Cancelled, null);
            // now 16:00
            OpsDb.Exec(db.StatePath,
                "INSERT INTO locks (lock_id, context, namespace, app, owner, pid, host, operation, reason, acquired_at, expires_at) VALUES " +
                "('l1', '', 'production', '*', 'ops@host', NULL, 'host', 'freeze', 'release', '2025-10-24 15:30:00.000', '2025-10-24 17:00:00.000')," +
                "('l2', '', 'staging', '*', 'ops@host', 42, 'host', 'apply', NULL, '2025-10-24 11:00:00.000', '2025-10-24 12:00:00.000')");
        }

        private static string DbBytesLine(OpsDb db)
        {
            long size = new FileInfo(db.StatePath).Length;
            if (File.Exists(db.StatePath + "-wal"))
            {
                size += new FileInfo(db.StatePath + "-wal").Length;
            }
            return "sbkube_state_db_bytes " + size + "\n";
        }

        [Fact]
        public void Renders_the_exact_exposition_text()
        {
            using var db = new OpsDb();
            Populate(db);

            string text = MetricsExporter.Render(db.Store);

            string expected =
                "# HELP sbkube_deployments_total Revisions ever recorded per app (the newest revision number; pruning does not lower it).\n" +
                "# TYPE sbkube_deployments_total counter\n" +
                "sbkube_deployments_total{namespace=\"production\",app=\"web\"} 2\n" +
                "sbkube_deployments_total{namespace=\"state-demo\",app=\"redis\"} 4\n" +
                "# HELP sbkube_deployment_status 1 for the status (Helm's words) of the app's latest revision.\n" +
                "# TYPE sbkube_deployment_status gauge\n" +
                "sbkube_deployment_status{namespace=\"production\",app=\"web\",status=\"failed\"} 1\n" +
                "sbkube_deployment_status{namespace=\"state-demo\",app=\"redis\",status=\"deployed\"} 1\n" +
                "# HELP sbkube_last_deployment_time Unix time in seconds of the app's latest revision.\n" +
                "# TYPE sbkube_last_deployment_time gauge\n" +
                "sbkube_last_deployment_time{namespace=\"production\",app=\"web\"} 1761318000\n" +
                "sbkube_last_deployment_time{namespace=\"state-demo\",app=\"redis\"} 1761310800\n" +
                "# HELP sbkube_rollbacks Rollbacks among the revisions still recorded per app (pruning lowers it).\n" +
                "# TYPE sbkube_rollbacks gauge\n" +
                "sbkube_rollbacks{namespace=\"production\",app=\"web\"} 0\n" +
                "sbkube_rollbacks{namespace=\"state-demo\",app=\"redis\"} 1\n" +
                "# HELP sbkube_recoveries Releases stuck pending that were recovered (action recover), among the revisions still recorded per app (pruning lowers it).\n" +
                "# TYPE sbkube_recoveries gauge\n" +
                "sbkube_recoveries{namespace=\"production\",app=\"web\"} 0\n" +
                "sbkube_recoveries{namespace=\"state-demo\",app=\"redis\"} 0\n" +
                "# HELP sbkube_failed_deployments Revisions still recorded that ended in status failed, per app (pruning lowers it).\n" +
                "# TYPE sbkube_failed_deployments gauge\n" +
                "sbkube_failed_deployments{namespace=\"production\",app=\"web\"} 1\n" +
                "sbkube_failed_deployments{namespace=\"state-demo\",app=\"redis\"} 1\n" +
                "# HELP sbkube_failed_attempts Attempts that failed before they made a revision (refused by a lock, failed before Helm recorded anything), among the history still recorded per app (pruning lowers it).\n" +
                "# TYPE sbkube_failed_attempts gauge\n" +
                "sbkube_failed_attempts{namespace=\"production\",app=\"web\"} 1\n" +
                "sbkube_failed_attempts{namespace=\"state-demo\",app=\"redis\"} 0\n" +
                "# HELP sbkube_lock_held 1 while an unexpired SBKube lock is held on the namespace, else 0.\n" +
                "# TYPE sbkube_lock_held gauge\n" +
                "sbkube_lock_held{namespace=\"production\"} 1\n" +
                "sbkube_lock_held{namespace=\"state-demo\"} 0\n" +
                "# HELP sbkube_state_db_bytes Bytes the state takes: the SQLite file with its write-ahead log, or the PostgreSQL tables of the schema.\n" +
                "# TYPE sbkube_state_db_bytes gauge\n" +
                DbBytesLine(db);
            Assert.Equal(expected, text);
        }

        [Fact]
        public void Revisions_of_several_contexts_add_up_and_the_newest_decides_the_status()
        {
            using var db = new OpsDb();
            foreach (string context in new[] { "kind-a", "kind-b" })
            {
                DeploymentRecord d = db.Store.BeginDeployment(new NewDeployment
                {
                    Context = context, Namespace = "ns", App = "a", ReleaseName = "a", Status = DeploymentStatus.PendingInstall,
                });
                db.Store.FinishDeployment(d.Id, context == "kind-a" ? DeploymentStatus.Deployed : DeploymentStatus.Failed, 1, null,
                    HistoryAction.Deploy);
                db.Clock.Advance(TimeSpan.FromMinutes(5));
            }

            string text = MetricsExporter.Render(db.Store);

            Assert.Contains("sbkube_deployments_total{namespace=\"ns\",app=\"a\"} 2\n", text);
            Assert.Contains("sbkube_deployment_status{namespace=\"ns\",app=\"a\",status=\"failed\"} 1\n", text);
            Assert.DoesNotContain("status=\"deployed\"", text);
        }

        [Fact]
        public void Recoveries_of_stuck_releases_are_counted_per_app()
        {
            using var db = new OpsDb();
            db.Deploy("web", "api", action: HistoryAction.Deploy);
            db.Deploy("web", "api", action: HistoryAction.Recover);
            db.Deploy("web", "api", action: HistoryAction.Recover);
            db.Deploy("web", "ui", action: HistoryAction.Deploy);

            string text = MetricsExporter.Render(db.Store);

            Assert.Contains("sbkube_recoveries{namespace=\"web\",app=\"api\"} 2\n", text);
            Assert.Contains("sbkube_recoveries{namespace=\"web\",app=\"ui\"} 0\n", text);
            Assert.Contains("sbkube_rollbacks{namespace=\"web\",app=\"api\"} 0\n", text);
            PromtoolAccepts(text);
        }

        [Fact]
        public void The_deployments_counter_never_falls_when_old_revisions_are_pruned()
        {
            using var db = new OpsDb();
            for (int i = 0; i < 3; i++)
            {
                db.Deploy("state-demo", "redis");
            }
            Assert.Contains("sbkube_deployments_total{namespace=\"state-demo\",app=\"redis\"} 3\n", MetricsExporter.Render(db.Store));

            Assert.Equal(2, db.Prune(new PruneRequest { KeepLast = 1 }).Count);

            string text = MetricsExporter.Render(db.Store);
            Assert.Contains("sbkube_deployments_total{namespace=\"state-demo\",app=\"redis\"} 3\n", text);
            PromtoolAccepts(text);
        }

        [Fact]
        public void Label_values_are_escaped()
        {
            using var db = new OpsDb();
            db.Deploy("we\"ird\\ns", "line\nbreak");

            string text = MetricsExporter.Render(db.Store);

            Assert.Contains("sbkube_deployments_total{namespace=\"we\\\"ird\\\\ns\",app=\"line\\nbreak\"} 1\n", text);
            Assert.Equal("a\\\\b\\\"c\\nd", MetricsExporter.Escape("a\\b\"c\nd"));
            PromtoolAccepts(text);
        }

        [Fact]
        public void An_empty_database_still_renders_every_family()
        {
            using var db = new OpsDb();
            string text = MetricsExporter.Render(db.Store);
            foreach (string family in new[]
            {
                "sbkube_deployments_total", "sbkube_deployment_status", "sbkube_last_deployment_time", "sbkube_rollbacks",
                "sbkube_failed_deployments", "sbkube_lock_held", "sbkube_state_db_bytes",
            })
            {
                Assert.Contains("# HELP " + family + " ", text);
                Assert.Contains("# TYPE " + family + " ", text);
            }
            Assert.EndsWith("\n", text);
            PromtoolAccepts(text);
        }

        [Fact]
        public void An_app_whose_only_attempts_failed_before_a_revision_is_counted_in_failed_attempts_alone()
        {
            using var db = new OpsDb();
            Populate(db);
            // A first install refused twice by a lock (and once cancelled): the app has no revision at all.
            db.Store.RecordAttempt("", "billing", "api", HistoryAction.Deploy, "Initial deployment (FAILED: locked)", AuditOutcome.Failed, ErrorIds.LockHeld);
            db.Store.RecordAttempt("", "billing", "api", HistoryAction.Deploy, "Initial deployment (FAILED: locked)", AuditOutcome.Failed, ErrorIds.LockHeld);
            db.Store.RecordAttempt("", "billing", "api", HistoryAction.Deploy, "Initial deployment (CANCELLED: stopped)", AuditOutcome.Cancelled, null);

            string text = MetricsExporter.Render(db.Store);

            Assert.Contains("sbkube_failed_attempts{namespace=\"billing\",app=\"api\"} 2\n", text);
            // Listed first, in name order, before production/web.
            Assert.True(text.IndexOf("sbkube_failed_attempts{namespace=\"billing\"", StringComparison.Ordinal)
                < text.IndexOf("sbkube_failed_attempts{namespace=\"production\"", StringComparison.Ordinal));
            // The families about revisions do not invent one for it.
            Assert.DoesNotContain("app=\"api\"} 0\n", text.Replace("sbkube_failed_attempts{namespace=\"billing\",app=\"api\"} 2\n", ""));
            Assert.DoesNotContain("sbkube_deployment_status{namespace=\"billing\"", text);
            Assert.DoesNotContain("sbkube_deployments_total{namespace=\"billing\"", text);
            PromtoolAccepts(text);
        }

        [Fact]
        public void Promtool_accepts_the_output()
        {
            using var db = new OpsDb();
            Populate(db);
            PromtoolAccepts(MetricsExporter.Render(db.Store));
        }

        [Fact]
        public void The_textfile_is_written_whole_and_world_readable()
        {
            using var db = new OpsDb();
            Populate(db);
            string path = db.File("sbkube.prom");
            File.WriteAllText(path, "old");

            FileInfo file = MetricsExporter.WriteFile(db.Store, path);

            Assert.Equal(MetricsExporter.Render(db.Store), File.ReadAllText(file.FullName));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    File.GetUnixFileMode(path));
            }
            Assert.Empty(Directory.GetFiles(db.Dir, ".*.tmp"));
        }

        /// <summary>promtool check metrics (Debian package prometheus): parse and lint.</summary>
        private static void PromtoolAccepts(string text)
        {
            string? promtool = FindOnPath("promtool");
            Assert.True(promtool != null,
                "promtool is not on PATH. Install it (Debian/Ubuntu: apt-get install -y --no-install-recommends prometheus; " +
                "the build's Test task does this) so the metrics output can be checked.");
            var psi = new ProcessStartInfo(promtool!)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("check");
            psi.ArgumentList.Add("metrics");
            using Process p = Process.Start(psi)!;
            Task<string> stdout = p.StandardOutput.ReadToEndAsync();
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            p.StandardInput.Write(text);
            p.StandardInput.Close();
            Assert.True(p.WaitForExit(30000), "promtool did not finish");
            string output = stdout.Result + stderr.Result;
            Assert.True(p.ExitCode == 0, $"promtool check metrics failed ({p.ExitCode}):\n{output}\n--- input ---\n{text}");
            Assert.True(output.Trim().Length == 0, $"promtool reported lint problems:\n{output}");
        }

        private static string? FindOnPath(string name)
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                foreach (string candidate in new[] { name, name + ".exe" })
                {
                    string full = Path.Combine(dir, candidate);
                    if (dir.Length > 0 && File.Exists(full))
                    {
                        return full;
                    }
                }
            }
            return null;
        }
    }
}
