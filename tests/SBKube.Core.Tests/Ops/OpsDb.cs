using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using SBKube.Core.State;

namespace SBKube.Core.Tests.Ops
{
    /// <summary>A settable clock for making old revisions.</summary>
    internal sealed class TestClock
    {
        public TestClock(DateTime utc) => Now = utc;
        public DateTime Now { get; set; }
        public Func<DateTime> Func => () => Now;
        public void Advance(TimeSpan by) => Now += by;
    }

    /// <summary>A throw-away folder with a state DB in it, plus helpers that write revisions through the public API.</summary>
    internal sealed class OpsDb : IDisposable
    {
        public OpsDb()
        {
            Dir = Path.Combine(Path.GetTempPath(), "sbkube-ops-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Dir);
            StatePath = Path.Combine(Dir, "state.db");
            Clock = new TestClock(new DateTime(2025, 10, 24, 10, 0, 0, DateTimeKind.Utc));
            Store = StateStore.Open(StatePath, Clock.Func);
        }

        public string Dir { get; }
        public string StatePath { get; }
        public TestClock Clock { get; }
        public StateStore Store { get; }

        public string File(string name) => Path.Combine(Dir, name);

        public static string Snapshot(string ns, string app, string version, string password)
        {
            var s = new RevisionSnapshot
            {
                ReleaseName = app,
                Namespace = ns,
                ChartRef = "bitnami/" + app,
                ChartName = app,
                ChartVersion = version,
                Values = new JsonObject
                {
                    ["architecture"] = "standalone",
                    ["auth"] = new JsonObject { ["password"] = password },
                    ["master"] = new JsonObject { ["persistence"] = new JsonObject { ["size"] = "2Gi" } },
                },
            };
            return s.ToJsonString();
        }

        /// <summary>One finished revision; the clock moves an hour afterwards so revisions have distinct times.</summary>
        public DeploymentRecord Deploy(string ns, string app, string status = DeploymentStatus.Deployed,
            string version = "17.13.2", string password = "pw", string action = HistoryAction.Upgrade,
            string? description = null, StateStore? store = null)
        {
            StateStore s = store ?? Store;
            string config = Snapshot(ns, app, version, password);
            DeploymentRecord d = s.BeginDeployment(new NewDeployment
            {
                Namespace = ns,
                App = app,
                ReleaseName = app,
                Chart = app + "-" + version,
                ChartRef = "bitnami/" + app,
                ChartVersion = version,
                Status = DeploymentStatus.PendingUpgrade,
                Description = description ?? "deploy " + version,
                Config = config,
                ConfigHash = RevisionSnapshot.FromJson(config).ComputeHash(),
            });
            DeploymentRecord done = s.FinishDeployment(d.Id, status, d.Revision, description, action);
            Clock.Advance(TimeSpan.FromHours(1));
            return done;
        }

        /// <summary>A revision left pending, as by a killed process.</summary>
        public DeploymentRecord Begin(string ns, string app)
        {
            DeploymentRecord d = Store.BeginDeployment(new NewDeployment
            {
                Namespace = ns,
                App = app,
                ReleaseName = app,
                Chart = app + "-1.0.0",
                Status = DeploymentStatus.PendingUpgrade,
            });
            Clock.Advance(TimeSpan.FromHours(1));
            return d;
        }

        public static long Count(string dbPath, string sql)
        {
            using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ToString());
            conn.Open();
            using SqliteCommand cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(cmd.ExecuteScalar());
        }

        /// <summary>
        /// A file made from the seed guide's draft schema (no context, release_name, config_hash... columns;
        /// revisions keyed by namespace, app and revision) holding revision 1 of state-demo/redis as row 7.
        /// </summary>
        public static void WriteSeedDraftDatabase(string dbPath) => Exec(dbPath,
            "CREATE TABLE deployments (id INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL, app TEXT NOT NULL, " +
            "revision INTEGER NOT NULL, chart TEXT, status TEXT, deployed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, config TEXT, " +
            "UNIQUE(namespace, app, revision));" +
            "CREATE TABLE deployment_history (id INTEGER PRIMARY KEY AUTOINCREMENT, deployment_id INTEGER, action TEXT, " +
            "timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP, user TEXT, description TEXT, FOREIGN KEY(deployment_id) REFERENCES deployments(id));" +
            "INSERT INTO deployments (id, namespace, app, revision, chart, status) VALUES (7, 'state-demo', 'redis', 1, 'redis-17.13.2', 'deployed');" +
            "INSERT INTO deployment_history (deployment_id, action, description) VALUES (7, 'install', 'Initial deployment');");

        public static void Exec(string dbPath, string sql)
        {
            using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ToString());
            conn.Open();
            using SqliteCommand cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }

        /// <summary>Prunes and returns, row by row, what went: every revision present before and gone after.</summary>
        public IReadOnlyList<DeploymentRecord> Prune(PruneRequest request)
        {
            List<DeploymentRecord> before = Store.List().ToList();
            Store.PruneBySummary(request);
            var after = new HashSet<long>(Store.List().Select(r => r.Id));
            return before.Where(r => !after.Contains(r.Id)).OrderBy(r => r.Namespace).ThenBy(r => r.App).ThenBy(r => r.Revision).ToList();
        }

        public string Revisions(string ns, string app) =>
            string.Join(",", Store.History(ns, app).Select(r => r.Revision));

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Dir, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
