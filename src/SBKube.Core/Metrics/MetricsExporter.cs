using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Data.Sqlite;
using SBKube.Core.State;

namespace SBKube.Core.Metrics
{
    /// <summary>
    /// The state database as Prometheus text exposition format 0.0.4 (seed: <c>state export-metrics</c>).
    /// Everything comes from a few GROUP BY queries, so a scrape stays cheap on large databases. Label
    /// sets are the seed's (namespace, app[, status]); revisions of several kube contexts are added up.
    /// </summary>
    public static class MetricsExporter
    {
        public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

        private sealed class AppStats
        {
            public string Namespace = "";
            public string App = "";
            public long Total;
            public long Failed;
            public long Rollbacks;
            public string? LastAt;
            public string Status = "";
        }

        public static string Render(StateStore store)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }
            var apps = new List<AppStats>();
            var locks = new SortedDictionary<string, bool>(StringComparer.Ordinal);
            store.Run(conn =>
            {
                // One read snapshot for all queries, so the families agree with each other.
                using SqliteTransaction tx = conn.BeginTransaction(deferred: true);
                ReadApps(conn, tx, apps);
                ReadRollbacks(conn, tx, apps);
                ReadLocks(conn, tx, store.Now(), locks);
                tx.Commit();
                return 0;
            });
            foreach (AppStats a in apps)
            {
                if (!locks.ContainsKey(a.Namespace))
                {
                    locks[a.Namespace] = false;
                }
            }

            var sb = new StringBuilder();
            Family(sb, "sbkube_deployments_total", "counter", "Revisions recorded in the SBKube state database per app.");
            foreach (AppStats a in apps)
            {
                Sample(sb, "sbkube_deployments_total", a, null, a.Total);
            }
            Family(sb, "sbkube_deployment_status", "gauge",
                "1 for the status (Helm's words) of the app's latest revision.");
            foreach (AppStats a in apps)
            {
                Sample(sb, "sbkube_deployment_status", a, a.Status, 1);
            }
            Family(sb, "sbkube_last_deployment_time", "gauge", "Unix time in seconds of the app's latest revision.");
            foreach (AppStats a in apps)
            {
                Sample(sb, "sbkube_last_deployment_time", a, null, UnixSeconds(a.LastAt));
            }
            Family(sb, "sbkube_rollbacks_total", "counter", "Rollbacks recorded in the deployment history per app.");
            foreach (AppStats a in apps)
            {
                Sample(sb, "sbkube_rollbacks_total", a, null, a.Rollbacks);
            }
            Family(sb, "sbkube_failed_deployments_total", "counter", "Revisions that ended in status failed per app.");
            foreach (AppStats a in apps)
            {
                Sample(sb, "sbkube_failed_deployments_total", a, null, a.Failed);
            }
            Family(sb, "sbkube_lock_held", "gauge", "1 while an unexpired SBKube lock is held on the namespace, else 0.");
            foreach (KeyValuePair<string, bool> l in locks)
            {
                sb.Append("sbkube_lock_held{namespace=\"").Append(Escape(l.Key)).Append("\"} ")
                    .Append(l.Value ? "1" : "0").Append('\n');
            }
            Family(sb, "sbkube_state_db_bytes", "gauge", "Size of the state database file including its write-ahead log.");
            sb.Append("sbkube_state_db_bytes ").Append(DatabaseBytes(store.Path).ToString(CultureInfo.InvariantCulture)).Append('\n');
            return sb.ToString();
        }

        /// <summary>
        /// Writes the metrics for node_exporter's textfile collector: temp file + rename, so the collector
        /// never reads half a file; world-readable (0644) because the collector runs as another user.
        /// </summary>
        public static FileInfo WriteFile(StateStore store, string path)
        {
            string text = Render(store);
            string full = Path.GetFullPath(path);
            try
            {
                AtomicFile.Write(full, AtomicFile.Readable, stream =>
                {
                    byte[] bytes = new UTF8Encoding(false).GetBytes(text);
                    stream.Write(bytes, 0, bytes.Length);
                });
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new StateStoreException(StateStoreErrorKind.Io, full, $"Cannot write the metrics file '{full}': {e.Message}", e);
            }
            return new FileInfo(full);
        }

        private static void ReadApps(SqliteConnection conn, SqliteTransaction tx, List<AppStats> apps)
        {
            // Grouped on the UNIQUE(context, namespace, app, revision) index (covering), then one lookup per
            // app for its newest row: cheap on a million revisions. Contexts are folded together below.
            var byApp = new Dictionary<(string, string), AppStats>();
            var latestKey = new Dictionary<(string, string), (string At, int Revision)>();
            using (SqliteCommand cmd = StateStore.Command(conn,
                "SELECT d.namespace, d.app, m.total, d.status, d.deployed_at, d.revision FROM " +
                "(SELECT context, namespace, app, COUNT(*) AS total, MAX(revision) AS rev FROM deployments " +
                "GROUP BY context, namespace, app) m JOIN deployments d ON d.context = m.context AND " +
                "d.namespace = m.namespace AND d.app = m.app AND d.revision = m.rev", tx))
            using (SqliteDataReader r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    var key = (r.GetString(0), r.GetString(1));
                    if (!byApp.TryGetValue(key, out AppStats? a))
                    {
                        byApp[key] = a = new AppStats { Namespace = key.Item1, App = key.Item2 };
                    }
                    a.Total += r.GetInt64(2);
                    string at = r.IsDBNull(4) ? "" : r.GetValue(4).ToString() ?? "";
                    int revision = r.GetInt32(5);
                    // With several kube contexts, the most recently written revision is the app's latest.
                    if (!latestKey.TryGetValue(key, out (string At, int Revision) best) ||
                        string.CompareOrdinal(at, best.At) > 0 || (at == best.At && revision > best.Revision))
                    {
                        latestKey[key] = (at, revision);
                        a.LastAt = at.Length == 0 ? null : at;
                        a.Status = r.IsDBNull(3) || r.GetString(3).Length == 0 ? "unknown" : r.GetString(3);
                    }
                }
            }
            using (SqliteCommand cmd = StateStore.Command(conn,
                "SELECT namespace, app, COUNT(*) FROM deployments WHERE status = $failed GROUP BY namespace, app", tx,
                ("$failed", DeploymentStatus.Failed)))
            using (SqliteDataReader r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    if (byApp.TryGetValue((r.GetString(0), r.GetString(1)), out AppStats? a))
                    {
                        a.Failed = r.GetInt64(2);
                    }
                }
            }
            apps.AddRange(byApp.Values
                .OrderBy(a => a.Namespace, StringComparer.Ordinal)
                .ThenBy(a => a.App, StringComparer.Ordinal));
        }

        private static void ReadRollbacks(SqliteConnection conn, SqliteTransaction tx, List<AppStats> apps)
        {
            var byApp = new Dictionary<(string, string), AppStats>();
            foreach (AppStats a in apps)
            {
                byApp[(a.Namespace, a.App)] = a;
            }
            using SqliteCommand cmd = StateStore.Command(conn,
                "SELECT d.namespace, d.app, COUNT(*) FROM deployment_history h JOIN deployments d ON d.id = h.deployment_id " +
                "WHERE h.action = $rollback GROUP BY d.namespace, d.app", tx,
                ("$rollback", HistoryAction.Rollback));
            using SqliteDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (byApp.TryGetValue((r.GetString(0), r.GetString(1)), out AppStats? a))
                {
                    a.Rollbacks = r.GetInt64(2);
                }
            }
        }

        private static void ReadLocks(SqliteConnection conn, SqliteTransaction tx, string now, SortedDictionary<string, bool> locks)
        {
            // No expiry means held until someone unlocks it.
            using SqliteCommand cmd = StateStore.Command(conn,
                "SELECT DISTINCT namespace FROM locks WHERE expires_at IS NULL OR expires_at > $now", tx, ("$now", now));
            using SqliteDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                locks[r.GetString(0)] = true;
            }
        }

        private static void Family(StringBuilder sb, string name, string type, string help) =>
            sb.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n')
              .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

        private static void Sample(StringBuilder sb, string name, AppStats a, string? status, long value)
        {
            sb.Append(name).Append("{namespace=\"").Append(Escape(a.Namespace)).Append("\",app=\"").Append(Escape(a.App)).Append('"');
            if (status != null)
            {
                sb.Append(",status=\"").Append(Escape(status)).Append('"');
            }
            sb.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        /// <summary>Label values: backslash, double quote and line feed are escaped (format 0.0.4).</summary>
        public static string Escape(string value)
        {
            if (value.IndexOfAny(new[] { '\\', '"', '\n' }) < 0)
            {
                return value;
            }
            var sb = new StringBuilder(value.Length + 8);
            foreach (char c in value)
            {
                switch (c)
                {
                    case '\\': sb.Append("\\\\"); break;
                    case '"': sb.Append("\\\""); break;
                    case '\n': sb.Append("\\n"); break;
                    default: sb.Append(c); break;
                }
            }
            return sb.ToString();
        }

        /// <summary>HELP text: only backslash and line feed are escaped.</summary>
        private static string EscapeHelp(string value) => value.Replace("\\", "\\\\").Replace("\n", "\\n");

        private static long UnixSeconds(string? stored)
        {
            DateTime t = StateStore.ParseTime(stored);
            if (t == DateTime.MinValue)
            {
                return 0;
            }
            return (long)Math.Floor((t - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds);
        }

        private static long DatabaseBytes(string path)
        {
            long size = 0;
            foreach (string file in new[] { path, path + "-wal" })
            {
                try
                {
                    var info = new FileInfo(file);
                    if (info.Exists)
                    {
                        size += info.Length;
                    }
                }
                catch (IOException)
                {
                    // The WAL can vanish between the check and the read (checkpoint by another process).
                }
            }
            return size;
        }
    }
}
