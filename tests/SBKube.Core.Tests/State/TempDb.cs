using System;
using System.IO;
using Microsoft.Data.Sqlite;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.State
{
    /// <summary>A private folder with a state DB path in it; deleted afterwards.</summary>
    internal sealed class TempDb : IDisposable
    {
        public TempDb()
        {
            Dir = Path.Combine(Path.GetTempPath(), "sbkube-state-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Dir);
            DbPath = Path.Combine(Dir, "state.db");
        }

        public string Dir { get; }

        public string DbPath { get; }

        /// <summary>A clock the test moves by hand (UTC).</summary>
        public DateTime Now { get; set; } = new DateTime(2025, 10, 24, 10, 0, 0, DateTimeKind.Utc);

        public StateStore Open() => StateStore.Open(DbPath, () => Now);

        /// <summary>A raw connection, like the sqlite3 CLI: no foreign keys, no pooling.</summary>
        public SqliteConnection Raw(string? path = null)
        {
            var conn = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path ?? DbPath,
                Pooling = false,
                Mode = SqliteOpenMode.ReadWrite,
                ForeignKeys = false, // e_sqlite3 defaults them on; the sqlite3 CLI does not
            }.ToString());
            conn.Open();
            return conn;
        }

        public object? Scalar(string sql, string? path = null)
        {
            using SqliteConnection conn = Raw(path);
            using SqliteCommand cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            return cmd.ExecuteScalar();
        }

        public int Execute(string sql, string? path = null)
        {
            using SqliteConnection conn = Raw(path);
            using SqliteCommand cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            return cmd.ExecuteNonQuery();
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Dir, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        public static NewDeployment New(string app = "redis", string ns = "state-demo", string context = "",
            string chart = "redis-17.13.2", string status = DeploymentStatus.PendingInstall) => new NewDeployment
        {
            Context = context,
            Namespace = ns,
            App = app,
            ReleaseName = app,
            Chart = chart,
            ChartRef = "bitnami/" + app,
            ChartVersion = chart.Substring(chart.LastIndexOf('-') + 1),
            Status = status,
            Description = "test",
            Config = "{}",
            ConfigHash = "h",
        };

        /// <summary>Begin + Finish deployed, like a successful apply.</summary>
        public static DeploymentRecord Deploy(StateStore store, string app = "redis", string ns = "state-demo",
            string context = "", string? description = null, string action = HistoryAction.Deploy)
        {
            DeploymentRecord pending = store.BeginDeployment(New(app, ns, context));
            return store.FinishDeployment(pending.Id, DeploymentStatus.Deployed, pending.Revision, description ?? "ok", action);
        }
    }

    /// <summary>A fact that only makes sense where Unix file modes exist.</summary>
    public sealed class UnixFactAttribute : FactAttribute
    {
        public UnixFactAttribute()
        {
            if (OperatingSystem.IsWindows())
            {
                Skip = "Unix file permissions (0700/0600) do not exist on Windows.";
            }
        }
    }
}
