using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.State
{
    public sealed partial class StateStoreTests : IDisposable
    {
        private readonly TempDb _db = new TempDb();

        public void Dispose() => _db.Dispose();

        [Fact]
        public void Open_CreatesTheThreeTablesAndStampsTheSchemaVersion()
        {
            _db.Open();

            using SqliteConnection conn = _db.Raw();
            using SqliteCommand cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            var tables = new List<string>();
            using (SqliteDataReader r = cmd.ExecuteReader())
            {
                while (r.Read()) tables.Add(r.GetString(0));
            }
            Assert.Contains("deployments", tables);
            Assert.Contains("deployment_history", tables);
            Assert.Contains("locks", tables);
            Assert.Equal((long)StateStore.SchemaVersion, Convert.ToInt64(_db.Scalar("PRAGMA user_version")));
            Assert.True(StateStore.SchemaVersion >= 1);
        }

        [Fact]
        public void A_revision_number_never_overflows_it_stops_with_a_clear_error_and_writes_nothing()
        {
            StateStore store = _db.Open();
            TempDb.Deploy(store);
            _db.Execute($"UPDATE deployments SET revision = {int.MaxValue}");

            var e = Assert.Throws<StateStoreException>(() => store.BeginDeployment(TempDb.New()));

            Assert.Equal(StateStoreErrorKind.RevisionLimit, e.Kind);
            Assert.Contains($"revision {int.MaxValue}", e.Message);
            Assert.Equal(1L, Convert.ToInt64(_db.Scalar("SELECT COUNT(*) FROM deployments")));
        }

        [Fact]
        public void Open_UsesWalJournal()
        {
            _db.Open();
            Assert.Equal("wal", (string?)_db.Scalar("PRAGMA journal_mode"));
        }

        [Fact]
        public void Open_TwiceIsHarmlessAndKeepsRows()
        {
            StateStore store = _db.Open();
            TempDb.Deploy(store);
            StateStore again = _db.Open();
            Assert.Single(again.List());
            Assert.Equal((long)StateStore.SchemaVersion, Convert.ToInt64(_db.Scalar("PRAGMA user_version")));
        }

        [Fact]
        public void Stream_hands_out_the_rows_of_List_in_order_with_or_without_their_snapshots()
        {
            StateStore store = _db.Open();
            foreach (string app in new[] { "redis", "postgres", "redis" })
            {
                DeploymentRecord d = store.BeginDeployment(TempDb.New(app));
                store.FinishDeployment(d.Id, DeploymentStatus.Deployed, 1, null, HistoryAction.Deploy);
            }
            var full = new System.Collections.Generic.List<DeploymentRecord>();
            var light = new System.Collections.Generic.List<DeploymentRecord>();
            store.Stream(full.Add);
            store.Stream(light.Add, snapshots: false);

            Assert.Equal(store.List().Select(r => (r.App, r.Revision)), full.Select(r => (r.App, r.Revision)));
            Assert.Equal(new[] { ("postgres", 1), ("redis", 1), ("redis", 2) }, light.Select(r => (r.App, r.Revision)));
            Assert.All(full, r => Assert.NotNull(r.Config));
            Assert.All(light, r => Assert.Null(r.Config));
            Assert.Equal(full.Select(r => (r.Status, r.ConfigHash, r.DeployedAtUtc)), light.Select(r => (r.Status, r.ConfigHash, r.DeployedAtUtc)));
        }

        [Fact]
        public void Stream_reads_every_column_as_List_does_with_nulls_repeats_non_ascii_and_hand_written_times()
        {
            StateStore store = _db.Open();
            using (SqliteConnection conn = _db.Raw())
            using (SqliteCommand cmd = conn.CreateCommand())
            {
                // As a person with the sqlite3 CLI could write them: the streaming reader reuses a column's text
                // when it equals the row before's, so equal, longer, shorter, NULL and changed values follow each other.
                cmd.CommandText = @"
INSERT INTO deployments (context, namespace, app, revision, release_name, app_type, chart, chart_ref, chart_version, status, helm_revision, deployed_at, description, config, config_hash, owner_pid, owner_host) VALUES
('', 'a', 'x', 1, NULL, 'helm', 'redis-1', NULL, '1', 'superseded', NULL, '2025-01-02 03:04:05', 'défaut ✓', '{}', 'h1', 12, 'host'),
('', 'a', 'x', 2, 'x', 'helm', 'redis-1', 'bitnami/redis', '1', 'superseded', 2, '2025-01-02T03:04:05.678', NULL, NULL, 'h2', NULL, NULL),
('', 'a', 'x', 3, 'x', 'helm', 'redis-10', 'bitnami/redis', '10', 'deployed', 3, '2025-01-02 05:04:05+02:00', 'défaut ✓', '{""a"":1}', 'h3', NULL, NULL),
('', 'b', 'y', 1, 'why', 'manifest', 'r', NULL, NULL, 'failed', NULL, 'not a time', 'é', NULL, NULL, NULL, NULL);";
                cmd.ExecuteNonQuery();
            }
            var streamed = new System.Collections.Generic.List<DeploymentRecord>();
            store.Stream(streamed.Add);

            static object Columns(DeploymentRecord r) => (r.Id, r.Context, r.Namespace, r.App, r.Revision, r.ReleaseName, r.AppType, r.Chart,
                r.ChartRef, r.ChartVersion, r.Status, r.HelmRevision, r.DeployedAtUtc, r.Description, r.Config, r.ConfigHash, r.OwnerPid, r.OwnerHost);
            Assert.Equal(store.List().Select(Columns), streamed.Select(Columns));
            Assert.Equal(new[] { "redis-1", "redis-1", "redis-10", "r" }, streamed.Select(r => r.Chart));
            Assert.Equal(new[] { "défaut ✓", null, "défaut ✓", "é" }, streamed.Select(r => r.Description));
            Assert.Equal(new[] { "x", "x", "x", "why" }, streamed.Select(r => r.ReleaseName));
            Assert.Equal(new DateTime(2025, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc), streamed[1].DeployedAtUtc);
            Assert.Equal(new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc), streamed[2].DeployedAtUtc);
            Assert.Equal(DateTime.MinValue, streamed[3].DeployedAtUtc);
        }

        [Fact]
        public void Revisions_AreNumberedPerContextNamespaceAndApp_StartingAtOne()
        {
            StateStore store = _db.Open();
            Assert.Equal(1, store.BeginDeployment(TempDb.New("redis")).Revision);
            Assert.Equal(2, store.BeginDeployment(TempDb.New("redis")).Revision);
            Assert.Equal(3, store.BeginDeployment(TempDb.New("redis")).Revision);
            Assert.Equal(1, store.BeginDeployment(TempDb.New("postgres")).Revision);
            Assert.Equal(1, store.BeginDeployment(TempDb.New("redis", ns: "other")).Revision);
            Assert.Equal(1, store.BeginDeployment(TempDb.New("redis", context: "prod")).Revision);
            Assert.Equal(4, store.BeginDeployment(TempDb.New("redis")).Revision);
        }

        [Fact]
        public void BeginDeployment_WritesAPendingRowOwnedByThisProcess()
        {
            StateStore store = _db.Open();
            DeploymentRecord pending = store.BeginDeployment(TempDb.New());
            Assert.Equal(DeploymentStatus.PendingInstall, pending.Status);
            Assert.Equal(CurrentProcess.Id, pending.OwnerPid);
            Assert.Single(store.Pending());
            Assert.Null(store.GetDeployed("state-demo", "redis"));

            DeploymentRecord done = store.FinishDeployment(pending.Id, DeploymentStatus.Deployed, 1, "Initial deployment", HistoryAction.Deploy);
            Assert.Null(done.OwnerPid);
            Assert.Empty(store.Pending());
        }

        [Fact]
        public void FinishDeployed_SupersedesThePreviousDeployedRevision()
        {
            StateStore store = _db.Open();
            TempDb.Deploy(store);
            TempDb.Deploy(store);
            DeploymentRecord third = TempDb.Deploy(store);

            IReadOnlyList<DeploymentRecord> rows = store.History("state-demo", "redis");
            Assert.Equal(new[] { DeploymentStatus.Superseded, DeploymentStatus.Superseded, DeploymentStatus.Deployed },
                rows.Select(r => r.Status).ToArray());
            Assert.Equal(1, rows.Count(r => r.Status == DeploymentStatus.Deployed));
            Assert.Equal(third.Id, store.GetDeployed("state-demo", "redis")!.Id);
        }

        [Fact]
        public void FinishFailed_LeavesThePreviousRevisionDeployed()
        {
            StateStore store = _db.Open();
            DeploymentRecord first = TempDb.Deploy(store);
            DeploymentRecord pending = store.BeginDeployment(TempDb.New(status: DeploymentStatus.PendingUpgrade));
            DeploymentRecord failed = store.FinishDeployment(pending.Id, DeploymentStatus.Failed, null, "boom", HistoryAction.Upgrade);

            Assert.Equal(DeploymentStatus.Failed, failed.Status);
            Assert.Equal(2, failed.Revision);
            DeploymentRecord? deployed = store.GetDeployed("state-demo", "redis");
            Assert.NotNull(deployed);
            Assert.Equal(first.Id, deployed!.Id);
            Assert.Equal(failed.Id, store.GetLatest("state-demo", "redis")!.Id);
        }

        [Fact]
        public void FinishUninstalled_LeavesNoDeployedRevision()
        {
            StateStore store = _db.Open();
            TempDb.Deploy(store);
            TempDb.Deploy(store);
            DeploymentRecord pending = store.BeginDeployment(TempDb.New(status: DeploymentStatus.Uninstalling));
            store.FinishDeployment(pending.Id, DeploymentStatus.Uninstalled, null, "Deleted", HistoryAction.Delete);

            Assert.Null(store.GetDeployed("state-demo", "redis"));
            IReadOnlyList<DeploymentRecord> rows = store.History("state-demo", "redis");
            Assert.DoesNotContain(rows, r => r.Status == DeploymentStatus.Deployed);
            Assert.Equal(DeploymentStatus.Uninstalled, rows.Last().Status);
            Assert.Equal(DeploymentStatus.Uninstalled, store.GetLatest("state-demo", "redis")!.Status);
        }

        [Fact]
        public void Finish_WritesHistoryRowsWithTheAction()
        {
            StateStore store = _db.Open();
            DeploymentRecord a = TempDb.Deploy(store, action: HistoryAction.Deploy, description: "Initial deployment");
            DeploymentRecord b = TempDb.Deploy(store, action: HistoryAction.Upgrade, description: "Updated values");
            DeploymentRecord c = TempDb.Deploy(store, action: HistoryAction.Rollback, description: "Rollback to revision 1");

            HistoryEntry ha = Assert.Single(store.HistoryEntries(a.Id));
            Assert.Equal("deploy", ha.Action);
            Assert.Equal("Initial deployment", ha.Description);
            Assert.False(string.IsNullOrEmpty(ha.User));
            Assert.Equal("upgrade", Assert.Single(store.HistoryEntries(b.Id)).Action);
            HistoryEntry rollback = Assert.Single(store.HistoryEntries(action: "rollback"));
            Assert.Equal(c.Id, rollback.DeploymentId);
            Assert.Equal(3, store.HistoryEntries().Count);
            // The seed's SQL works verbatim.
            Assert.Equal(1L, Convert.ToInt64(_db.Scalar("SELECT COUNT(*) FROM deployment_history WHERE action = 'rollback';")));
        }

        [Fact]
        public void History_IsAscending_LimitKeepsTheNewestStillAscending()
        {
            StateStore store = _db.Open();
            for (int i = 0; i < 5; i++)
            {
                TempDb.Deploy(store);
                _db.Now = _db.Now.AddHours(1);
            }
            TempDb.Deploy(store, app: "other");

            Assert.Equal(new[] { 1, 2, 3, 4, 5 }, store.History("state-demo", "redis").Select(r => r.Revision).ToArray());
            Assert.Equal(new[] { 4, 5 }, store.History("state-demo", "redis", limit: 2).Select(r => r.Revision).ToArray());
            Assert.Equal(new[] { 5 }, store.History("state-demo", "redis", limit: 1).Select(r => r.Revision).ToArray());
            Assert.Equal(5, store.History("state-demo", "redis", limit: 50).Count);
        }

        [Fact]
        public void History_SinceFiltersByDeployedAt()
        {
            StateStore store = _db.Open();
            DateTime start = _db.Now;
            for (int i = 0; i < 4; i++)
            {
                TempDb.Deploy(store);
                _db.Now = _db.Now.AddDays(1);
            }

            IReadOnlyList<DeploymentRecord> rows = store.History("state-demo", "redis", since: start.AddDays(2));
            Assert.Equal(new[] { 3, 4 }, rows.Select(r => r.Revision).ToArray());
            Assert.Equal(start.AddDays(2), rows[0].DeployedAtUtc);
            Assert.Equal(DateTimeKind.Utc, rows[0].DeployedAtUtc.Kind);
            Assert.Equal(new[] { 4 }, store.History("state-demo", "redis", limit: 1, since: start.AddDays(1)).Select(r => r.Revision).ToArray());
            Assert.Empty(store.History("state-demo", "redis", since: start.AddDays(10)));
        }

        [Fact]
        public void DeployedAt_IsStoredAsSortableUtcText()
        {
            StateStore store = _db.Open();
            _db.Now = new DateTime(2024, 12, 31, 23, 59, 59, 123, DateTimeKind.Utc);
            TempDb.Deploy(store);
            Assert.Equal("2024-12-31 23:59:59.123", (string?)_db.Scalar("SELECT deployed_at FROM deployments"));
        }

        [Fact]
        public void List_ReturnsEveryRevision_OrLatestOnly()
        {
            StateStore store = _db.Open();
            TempDb.Deploy(store, "redis");
            TempDb.Deploy(store, "redis");
            TempDb.Deploy(store, "redis");
            TempDb.Deploy(store, "postgres");
            TempDb.Deploy(store, "web", ns: "prod");

            Assert.Equal(5, store.List().Count);
            Assert.Equal(4, store.List(ns: "state-demo").Count);
            Assert.Equal(new[] { 1, 2, 3 }, store.List(app: "redis").Select(r => r.Revision).ToArray());

            IReadOnlyList<DeploymentRecord> latest = store.List(latestOnly: true);
            Assert.Equal(3, latest.Count);
            Assert.Equal(3, latest.Single(r => r.App == "redis").Revision);
            Assert.Equal(1, latest.Single(r => r.App == "postgres").Revision);
            Assert.Single(store.List(ns: "state-demo", app: "redis", latestOnly: true));
            Assert.Empty(store.List(ns: "nowhere"));
        }

        [Fact]
        public void GetDeployed_AndGetLatest()
        {
            StateStore store = _db.Open();
            Assert.Null(store.GetDeployed("state-demo", "redis"));
            Assert.Null(store.GetLatest("state-demo", "redis"));

            DeploymentRecord first = TempDb.Deploy(store);
            DeploymentRecord pending = store.BeginDeployment(TempDb.New(status: DeploymentStatus.PendingUpgrade));

            Assert.Equal(first.Id, store.GetDeployed("state-demo", "redis")!.Id);
            Assert.Equal(pending.Id, store.GetLatest("state-demo", "redis")!.Id);
            Assert.Equal(2, store.Get("state-demo", "redis", 2)!.Revision);
            Assert.Null(store.Get("state-demo", "redis", 3));
        }

        [Fact]
        public void RecordFields_RoundTrip()
        {
            StateStore store = _db.Open();
            NewDeployment d = TempDb.New();
            d.Context = "kind-dev";
            d.Config = "{\"values\":{\"a\":1}}";
            d.ConfigHash = "abc";
            DeploymentRecord pending = store.BeginDeployment(d);
            DeploymentRecord r = store.FinishDeployment(pending.Id, DeploymentStatus.Deployed, 7, "Initial deployment", HistoryAction.Deploy);

            Assert.Equal("kind-dev", r.Context);
            Assert.Equal("state-demo", r.Namespace);
            Assert.Equal("redis", r.App);
            Assert.Equal("redis", r.ReleaseName);
            Assert.Equal("helm", r.AppType);
            Assert.Equal("redis-17.13.2", r.Chart);
            Assert.Equal("bitnami/redis", r.ChartRef);
            Assert.Equal("17.13.2", r.ChartVersion);
            Assert.Equal(7, r.HelmRevision);
            Assert.Equal("Initial deployment", r.Description);
            Assert.Equal(d.Config, r.Config);
            Assert.Equal("abc", r.ConfigHash);
            Assert.Equal(_db.Now, r.DeployedAtUtc);
        }

        [Fact]
        public void Pending_FindsUnfinishedRows()
        {
            StateStore store = _db.Open();
            TempDb.Deploy(store);
            DeploymentRecord p = store.BeginDeployment(TempDb.New(status: DeploymentStatus.PendingUpgrade));
            store.BeginDeployment(TempDb.New("web", ns: "prod", status: DeploymentStatus.Uninstalling));

            Assert.Equal(2, store.Pending().Count);
            Assert.Equal(p.Id, Assert.Single(store.Pending("state-demo")).Id);
        }

        [Fact]
        public void FinishDeployment_OfAMissingRow_IsNotFound()
        {
            StateStore store = _db.Open();
            StateStoreException e = Assert.Throws<StateStoreException>(
                () => store.FinishDeployment(12345, DeploymentStatus.Deployed, 1, null, HistoryAction.Deploy));
            Assert.Equal(StateStoreErrorKind.NotFound, e.Kind);
        }

        [Fact]
        public void SameAppInTwoContexts_IsAmbiguousWithoutAContext()
        {
            StateStore store = _db.Open();
            TempDb.Deploy(store, context: "blue");
            TempDb.Deploy(store, context: "green");

            Assert.Equal(StateStoreErrorKind.Ambiguous,
                Assert.Throws<StateStoreException>(() => store.GetDeployed("state-demo", "redis")).Kind);
            Assert.Equal("blue", store.GetDeployed("state-demo", "redis", "blue")!.Context);
        }
    }
}
