using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
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

        public static string Render(IStateQueries store)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }
            StateMetrics metrics = store.ReadMetrics();
            IReadOnlyList<AppMetrics> apps = metrics.Apps;
            var locks = new SortedDictionary<string, bool>(StringComparer.Ordinal);
            foreach (string ns in metrics.LockedNamespaces)
            {
                locks[ns] = true;
            }
            foreach (AppMetrics a in apps)
            {
                if (!locks.ContainsKey(a.Namespace))
                {
                    locks[a.Namespace] = false;
                }
            }

            // An app with only failed attempts has no revision to describe: it is in sbkube_failed_attempts alone.
            List<AppMetrics> recorded = apps.Where(a => a.HasRevisions).ToList();
            var sb = new StringBuilder();
            Family(sb, "sbkube_deployments_total", "counter", "Revisions ever recorded per app (the newest revision number; pruning does not lower it).");
            foreach (AppMetrics a in recorded)
            {
                Sample(sb, "sbkube_deployments_total", a, null, a.Total);
            }
            Family(sb, "sbkube_deployment_status", "gauge",
                "1 for the status (Helm's words) of the app's latest revision.");
            foreach (AppMetrics a in recorded)
            {
                Sample(sb, "sbkube_deployment_status", a, a.Status, 1);
            }
            Family(sb, "sbkube_last_deployment_time", "gauge", "Unix time in seconds of the app's latest revision.");
            foreach (AppMetrics a in recorded)
            {
                Sample(sb, "sbkube_last_deployment_time", a, null, UnixSeconds(a.LastDeployedAt));
            }
            Family(sb, "sbkube_rollbacks", "gauge", "Rollbacks among the revisions still recorded per app (pruning lowers it).");
            foreach (AppMetrics a in recorded)
            {
                Sample(sb, "sbkube_rollbacks", a, null, a.Rollbacks);
            }
            Family(sb, "sbkube_recoveries", "gauge", "Releases stuck pending that were recovered (action recover), among the revisions still recorded per app (pruning lowers it).");
            foreach (AppMetrics a in recorded)
            {
                Sample(sb, "sbkube_recoveries", a, null, a.Recoveries);
            }
            Family(sb, "sbkube_failed_deployments", "gauge", "Revisions still recorded that ended in status failed, per app (pruning lowers it).");
            foreach (AppMetrics a in recorded)
            {
                Sample(sb, "sbkube_failed_deployments", a, null, a.Failed);
            }
            Family(sb, "sbkube_failed_attempts", "gauge",
                "Attempts that failed before they made a revision (refused by a lock, failed before Helm recorded anything), among the history still recorded per app (pruning lowers it).");
            foreach (AppMetrics a in apps)
            {
                Sample(sb, "sbkube_failed_attempts", a, null, a.FailedAttempts);
            }
            Family(sb, "sbkube_lock_held", "gauge", "1 while an unexpired SBKube lock is held on the namespace, else 0.");
            foreach (KeyValuePair<string, bool> l in locks)
            {
                sb.Append("sbkube_lock_held{namespace=\"").Append(Escape(l.Key)).Append("\"} ")
                    .Append(l.Value ? "1" : "0").Append('\n');
            }
            Family(sb, "sbkube_state_db_bytes", "gauge", "Bytes the state takes: the SQLite file with its write-ahead log, or the PostgreSQL tables of the schema.");
            sb.Append("sbkube_state_db_bytes ").Append(metrics.StoreBytes.ToString(CultureInfo.InvariantCulture)).Append('\n');
            return sb.ToString();
        }

        /// <summary>
        /// Writes the metrics for node_exporter's textfile collector: temp file + rename, so the collector
        /// never reads half a file; world-readable (0644) because the collector runs as another user.
        /// </summary>
        public static FileInfo WriteFile(IStateQueries store, string path)
        {
            string text = Render(store);
            string full = Path.GetFullPath(path);
            try
            {
                AtomicFile.Write(full, AtomicFile.Readable, "metrics", stream =>
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

        private static void Family(StringBuilder sb, string name, string type, string help) =>
            sb.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n')
              .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

        private static void Sample(StringBuilder sb, string name, AppMetrics a, string? status, long value)
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

        private static long UnixSeconds(DateTime? utc) =>
            utc.HasValue ? (long)Math.Floor((utc.Value - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds) : 0;
    }
}
