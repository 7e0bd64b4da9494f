using System;
using System.Collections.Generic;
using System.Globalization;
using System.Data.Common;
using System.Linq;

namespace SBKube.Core.State
{
    /// <summary>Per-app figures for the metrics exporter; kube contexts of one namespace/app are added up.</summary>
    public sealed class AppMetrics
    {
        public string Namespace { get; set; } = "";
        public string App { get; set; } = "";
        public long Total { get; set; }
        public long Failed { get; set; }
        public long Rollbacks { get; set; }
        /// <summary>Stuck releases Repair-SbkubeState recovered (action recover).</summary>
        public long Recoveries { get; set; }
        /// <summary>Attempts that failed before they made a revision (refused by a lock, failed before Helm recorded anything).</summary>
        public long FailedAttempts { get; set; }
        /// <summary>UTC time of the app's latest revision; null when unknown.</summary>
        public DateTime? LastDeployedAt { get; set; }
        /// <summary>Status of the latest revision (<c>unknown</c> when empty).</summary>
        public string Status { get; set; } = "";
        /// <summary>False for an app whose every attempt failed before it made a revision: it has only failed attempts to count.</summary>
        public bool HasRevisions => Total > 0;
    }

    /// <summary>Everything a scrape needs, read from one snapshot so the families agree.</summary>
    public sealed class StateMetrics
    {
        public IReadOnlyList<AppMetrics> Apps { get; set; } = Array.Empty<AppMetrics>();
        /// <summary>Namespaces with an unexpired lock.</summary>
        public IReadOnlyCollection<string> LockedNamespaces { get; set; } = Array.Empty<string>();
        public long StoreBytes { get; set; }
    }

    public sealed partial class StateStore
    {
        public StateMetrics ReadMetrics()
        {
            var metrics = new StateMetrics();
            Read((conn, tx) =>
            {
                List<AppMetrics> apps = ReadAppMetrics(conn, tx);
                ReadActionCounts(conn, tx, apps);
                metrics.Apps = apps.OrderBy(a => a.Namespace, StringComparer.Ordinal).ThenBy(a => a.App, StringComparer.Ordinal).ToList();
                metrics.LockedNamespaces = LockedNamespaces(conn, tx);
                return 0;
            });
            metrics.StoreBytes = BackendImpl.Run(conn => BackendImpl.DatabaseBytes(conn));
            return metrics;
        }

        private static List<AppMetrics> ReadAppMetrics(DbConnection conn, DbTransaction tx)
        {
            // Grouped on the UNIQUE(context, namespace, app, revision) index (covering), then one lookup per
            // app for its newest row: cheap on a million revisions. Contexts are folded together below.
            var byApp = new Dictionary<(string, string), AppMetrics>();
            var latestKey = new Dictionary<(string, string), (DateTime At, int Revision)>();
            using (DbCommand cmd = Command(conn,
                "SELECT d.namespace, d.app, d.status, d.deployed_at, d.revision FROM " +
                "(SELECT context, namespace, app, MAX(revision) AS rev FROM deployments " +
                "GROUP BY context, namespace, app) m JOIN deployments d ON d.context = m.context AND " +
                "d.namespace = m.namespace AND d.app = m.app AND d.revision = m.rev", tx))
            using (DbDataReader r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    var key = (r.GetString(0), r.GetString(1));
                    if (!byApp.TryGetValue(key, out AppMetrics? a))
                    {
                        byApp[key] = a = new AppMetrics { Namespace = key.Item1, App = key.Item2 };
                    }
                    DateTime at = ReadTime(r, 3);
                    int revision = Convert.ToInt32(r.GetValue(4), CultureInfo.InvariantCulture);
                    // Revision numbers are never reused and the newest is never pruned, so the newest
                    // number counts every revision ever recorded: a counter that pruning cannot lower.
                    a.Total += revision;
                    // With several kube contexts, the most recently written revision is the app's latest.
                    if (!latestKey.TryGetValue(key, out (DateTime At, int Revision) best) ||
                        at > best.At || (at == best.At && revision > best.Revision))
                    {
                        latestKey[key] = (at, revision);
                        a.LastDeployedAt = at == DateTime.MinValue ? (DateTime?)null : at;
                        a.Status = r.IsDBNull(2) || r.GetString(2).Length == 0 ? "unknown" : r.GetString(2);
                    }
                }
            }
            using (DbCommand cmd = Command(conn,
                "SELECT namespace, app, COUNT(*) FROM deployments WHERE status = @failed GROUP BY namespace, app", tx,
                ("@failed", DeploymentStatus.Failed)))
            using (DbDataReader r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    if (byApp.TryGetValue((r.GetString(0), r.GetString(1)), out AppMetrics? a))
                    {
                        a.Failed = Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture);
                    }
                }
            }
            return byApp.Values.ToList();
        }

        /// <summary>Rollbacks, recoveries and failed attempts per app, from the history rows still recorded.</summary>
        private static void ReadActionCounts(DbConnection conn, DbTransaction tx, List<AppMetrics> apps)
        {
            var byApp = apps.ToDictionary(a => (a.Namespace, a.App));
            using DbCommand cmd = Command(conn,
                "SELECT d.namespace, d.app, h.action, COUNT(*) FROM deployment_history h JOIN deployments d ON d.id = h.deployment_id " +
                "WHERE h.action IN (@rollback, @recover) GROUP BY d.namespace, d.app, h.action", tx,
                ("@rollback", HistoryAction.Rollback), ("@recover", HistoryAction.Recover));
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (byApp.TryGetValue((r.GetString(0), r.GetString(1)), out AppMetrics? a))
                {
                    long count = Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture);
                    if (r.GetString(2) == HistoryAction.Rollback) a.Rollbacks = count; else a.Recoveries = count;
                }
            }
            r.Close();
            // Rows written before outcomes were stored are attempts that failed: nothing else made a row without a revision.
            // An app whose attempts all failed before a revision (a first install refused by a lock) is counted too.
            using DbCommand attempts = Command(conn,
                "SELECT namespace, app, COUNT(*) FROM deployment_history WHERE deployment_id IS NULL AND app IS NOT NULL " +
                "AND COALESCE(outcome, @failed) = @failed GROUP BY namespace, app", tx, ("@failed", AuditOutcome.Failed));
            using DbDataReader f = attempts.ExecuteReader();
            while (f.Read())
            {
                var key = (f.GetString(0), f.GetString(1));
                if (!byApp.TryGetValue(key, out AppMetrics? a))
                {
                    byApp[key] = a = new AppMetrics { Namespace = key.Item1, App = key.Item2 };
                    apps.Add(a);
                }
                a.FailedAttempts = Convert.ToInt64(f.GetValue(2), CultureInfo.InvariantCulture);
            }
        }

        private List<string> LockedNamespaces(DbConnection conn, DbTransaction tx)
        {
            // No expiry means held until someone unlocks it.
            var list = new List<string>();
            using DbCommand cmd = Command(conn,
                "SELECT DISTINCT namespace FROM locks WHERE expires_at IS NULL OR expires_at > @now", tx, ("@now", Now()));
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(r.GetString(0));
            }
            return list;
        }
    }
}
