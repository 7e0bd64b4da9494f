using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Ops
{
    public class PruneTests
    {
        [Fact]
        public void OlderThan_removes_old_revisions_and_their_history_but_keeps_the_deployed_one()
        {
            using var db = new OpsDb();
            db.Deploy("state-demo", "redis");                                  // r1 superseded
            db.Deploy("state-demo", "redis");                                  // r2 deployed (stays: r3, r4 fail)
            db.Deploy("state-demo", "redis", DeploymentStatus.Failed);         // r3 failed
            db.Deploy("state-demo", "redis", DeploymentStatus.Failed);         // r4 failed, newest
            long r1 = db.Store.Get("state-demo", "redis", 1)!.Id;
            long r3 = db.Store.Get("state-demo", "redis", 3)!.Id;

            IReadOnlyList<DeploymentRecord> removed = db.Prune(new PruneRequest { OlderThanUtc = db.Clock.Now });

            Assert.Equal(new[] { 1, 3 }, removed.Select(r => r.Revision));
            Assert.Equal("2,4", db.Revisions("state-demo", "redis"));
            Assert.Equal(2, db.Store.GetDeployed("state-demo", "redis")!.Revision);
            Assert.Empty(db.Store.HistoryEntries(r1));
            Assert.Empty(db.Store.HistoryEntries(r3));
            Assert.Equal(0, OpsDb.Count(db.StatePath,
                "SELECT COUNT(*) FROM deployment_history WHERE deployment_id NOT IN (SELECT id FROM deployments)"));
            Assert.Equal(2, OpsDb.Count(db.StatePath, "SELECT COUNT(*) FROM deployment_history"));
        }

        [Fact]
        public void Attempts_older_than_every_revision_kept_go_with_the_revisions_of_their_time()
        {
            using var db = new OpsDb();
            db.Store.RecordAttempt("", "prod", "api", HistoryAction.Deploy, "Initial deployment (FAILED: no chart)", AuditOutcome.Failed, "Helm.ChartNotFound");
            db.Clock.Advance(TimeSpan.FromHours(1));
            db.Deploy("prod", "api");                                          // r1
            db.Deploy("prod", "api");                                          // r2
            db.Store.RecordAttempt("", "prod", "api", HistoryAction.Upgrade, "Updated values (CANCELLED: stopped)", AuditOutcome.Cancelled, null);
            db.Clock.Advance(TimeSpan.FromHours(1));
            db.Deploy("prod", "api");                                          // r3, deployed
            db.Store.RecordAttempt("", "prod", "web", HistoryAction.Deploy, "Initial deployment (FAILED: lock)", AuditOutcome.Failed, "LockHeld");
            const string Attempts = "SELECT COUNT(*) FROM deployment_history WHERE deployment_id IS NULL";
            var request = new PruneRequest { KeepLast = 2, WhatIf = true };

            PruneSummary would = Assert.Single(db.Store.PruneBySummary(request));

            Assert.Equal(("api", 1, 1), (would.App, would.Revisions, would.Attempts));
            Assert.Equal(3, OpsDb.Count(db.StatePath, Attempts));
            request.WhatIf = false;
            PruneSummary removed = Assert.Single(db.Store.PruneBySummary(request));
            Assert.Equal(1, removed.Attempts);
            // The cancelled upgrade is newer than r2, which stays; web had no revision pruned, so its attempt stays too.
            Assert.Equal(2, OpsDb.Count(db.StatePath, Attempts));
            Assert.Equal(0, OpsDb.Count(db.StatePath, Attempts + " AND error_id = 'Helm.ChartNotFound'"));
        }

        [Fact]
        public void A_prune_reports_per_app_what_went_or_would_go()
        {
            using var db = new OpsDb();
            for (int i = 0; i < 4; i++)
            {
                db.Deploy("prod", "api");                                      // r1..r4, r4 deployed
            }
            db.Deploy("prod", "web");
            db.Deploy("prod", "web", DeploymentStatus.Failed);                 // web: r1 deployed, r2 failed
            var request = new PruneRequest { KeepLast = 1, WhatIf = true };

            IReadOnlyList<PruneSummary> would = db.Store.PruneBySummary(request);

            PruneSummary api = Assert.Single(would);
            Assert.Equal(("prod", "api", 3, 1, 3, true), (api.Namespace, api.App, api.Revisions, api.FirstRevision, api.LastRevision, api.WhatIf));
            Assert.True(api.OldestUtc <= api.NewestUtc);
            Assert.Equal(DateTimeKind.Utc, api.OldestUtc.Kind);
            Assert.Equal("1,2,3,4", db.Revisions("prod", "api"));

            request.WhatIf = false;
            PruneSummary removed = Assert.Single(db.Store.PruneBySummary(request));
            Assert.False(removed.WhatIf);
            Assert.Equal(3, removed.Revisions);
            Assert.Equal("4", db.Revisions("prod", "api"));
            Assert.Equal("1,2", db.Revisions("prod", "web"));
            Assert.Equal(0, OpsDb.Count(db.StatePath,
                "SELECT COUNT(*) FROM deployment_history WHERE deployment_id NOT IN (SELECT id FROM deployments)"));
            Assert.Empty(db.Store.PruneBySummary(request));
        }

        [Fact]
        public void OlderThan_spares_revisions_newer_than_the_cutoff()
        {
            using var db = new OpsDb();
            for (int i = 0; i < 5; i++)
            {
                db.Deploy("state-demo", "redis");
            }
            DateTime cutoff = db.Store.Get("state-demo", "redis", 3)!.DeployedAtUtc;

            var removed = db.Prune(new PruneRequest { OlderThanUtc = cutoff });

            Assert.Equal(new[] { 1, 2 }, removed.Select(r => r.Revision));
            Assert.Equal("3,4,5", db.Revisions("state-demo", "redis"));
        }

        [Fact]
        public void KeepLast_keeps_the_newest_N_and_the_deployed_revision()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "a");                                   // r1
            db.Deploy("ns", "a");                                   // r2 deployed
            for (int i = 0; i < 4; i++)
            {
                db.Deploy("ns", "a", DeploymentStatus.Failed);      // r3..r6
            }

            var removed = db.Prune(new PruneRequest { KeepLast = 2 });

            Assert.Equal(new[] { 1, 3, 4 }, removed.Select(r => r.Revision));
            Assert.Equal("2,5,6", db.Revisions("ns", "a"));
        }

        [Fact]
        public void Both_criteria_must_hold()
        {
            using var db = new OpsDb();
            for (int i = 0; i < 6; i++)
            {
                db.Deploy("ns", "a");
            }
            DateTime cutoff = db.Store.Get("ns", "a", 3)!.DeployedAtUtc; // r1, r2 are older

            var removed = db.Prune(new PruneRequest { OlderThanUtc = cutoff, KeepLast = 5 });

            Assert.Equal(new[] { 1 }, removed.Select(r => r.Revision));
        }

        [Fact]
        public void Pending_rows_are_never_removed()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "a");                                   // r1
            db.Begin("ns", "a");                                    // r2 pending (a killed run)
            db.Deploy("ns", "a");                                   // r3 deployed
            db.Deploy("ns", "a", DeploymentStatus.Failed);          // r4

            var removed = db.Prune(new PruneRequest { KeepLast = 1, OlderThanUtc = db.Clock.Now.AddYears(1) });

            Assert.Equal(new[] { 1 }, removed.Select(r => r.Revision));
            Assert.Equal("2,3,4", db.Revisions("ns", "a"));
            Assert.Equal(DeploymentStatus.PendingUpgrade, db.Store.Get("ns", "a", 2)!.Status);
        }

        [Fact]
        public void The_newest_revision_of_a_deleted_app_is_kept()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "gone");
            db.Deploy("ns", "gone", DeploymentStatus.Uninstalled, action: HistoryAction.Delete);

            var removed = db.Prune(new PruneRequest { OlderThanUtc = db.Clock.Now.AddDays(1) });

            Assert.Equal(new[] { 1 }, removed.Select(r => r.Revision));
            Assert.Equal(DeploymentStatus.Uninstalled, db.Store.GetLatest("ns", "gone")!.Status);
        }

        [Fact]
        public void WhatIf_reports_what_a_prune_then_removes_and_deletes_nothing()
        {
            using var db = new OpsDb();
            for (int i = 0; i < 5; i++)
            {
                db.Deploy("ns", "a");
            }
            long history = OpsDb.Count(db.StatePath, "SELECT COUNT(*) FROM deployment_history");
            var request = new PruneRequest { KeepLast = 2, WhatIf = true };

            PruneSummary would = Assert.Single(db.Store.PruneBySummary(request));

            Assert.Equal((3, 1, 3), (would.Revisions, would.FirstRevision, would.LastRevision));
            Assert.Equal("1,2,3,4,5", db.Revisions("ns", "a"));
            Assert.Equal(history, OpsDb.Count(db.StatePath, "SELECT COUNT(*) FROM deployment_history"));

            request.WhatIf = false;
            var removed = db.Prune(request);
            Assert.Equal(new[] { 1, 2, 3 }, removed.Select(r => r.Revision));
        }

        [Fact]
        public void Namespace_and_app_filters_limit_the_prune()
        {
            using var db = new OpsDb();
            foreach (string ns in new[] { "prod", "staging" })
            {
                foreach (string app in new[] { "web", "db" })
                {
                    db.Deploy(ns, app);
                    db.Deploy(ns, app);
                    db.Deploy(ns, app);
                }
            }

            var removed = db.Prune(new PruneRequest { Namespace = "prod", App = "web", KeepLast = 1 });

            Assert.All(removed, r => Assert.Equal(("prod", "web"), (r.Namespace, r.App)));
            Assert.Equal("3", db.Revisions("prod", "web"));
            Assert.Equal("1,2,3", db.Revisions("prod", "db"));
            Assert.Equal("1,2,3", db.Revisions("staging", "web"));
        }

        [Fact]
        public void Revision_numbers_continue_after_a_prune()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "a");
            db.Deploy("ns", "a");
            db.Deploy("ns", "a");
            db.Prune(new PruneRequest { KeepLast = 1 });

            Assert.Equal(4, db.Deploy("ns", "a").Revision);
        }

        [Fact]
        public void A_prune_without_criteria_is_refused()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "a");
            var e = Assert.Throws<ArgumentException>(() => db.Store.PruneBySummary(new PruneRequest { Namespace = "ns" }));
            Assert.Contains("KeepLast", e.Message);
            Assert.Equal("1", db.Revisions("ns", "a"));
        }

        [Fact]
        public void A_large_prune_vacuums_the_file()
        {
            using var db = new OpsDb();
            string big = new string('x', 8000);
            for (int i = 0; i < 120; i++)
            {
                db.Deploy("ns", "a", password: big + i);
            }
            long before = new FileInfo(db.StatePath).Length;

            var removed = db.Prune(new PruneRequest { KeepLast = 1 });

            Assert.Equal(119, removed.Count);
            Assert.Equal(0, OpsDb.Count(db.StatePath, "PRAGMA freelist_count"));
            Assert.True(new FileInfo(db.StatePath).Length < before / 10,
                $"expected the file to shrink well below {before} bytes, it is {new FileInfo(db.StatePath).Length}");
        }
    }
}
