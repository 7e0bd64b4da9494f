using System;
using System.Collections.Generic;
using System.Linq;
using System.Data.Common;
using SBKube.Core.State;

namespace SBKube.Core.State.Backends
{
    /// <summary>Forward-only schema migrations, indexed by the user_version they start from.</summary>
    internal static class SqliteMigrations
    {
        private static readonly string[] Steps =
        {
            // 0 → 1: the seed's tables plus what SBKube needs (never rename these columns).
            @"
CREATE TABLE IF NOT EXISTS deployments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  context TEXT NOT NULL DEFAULT '',
  namespace TEXT NOT NULL,
  app TEXT NOT NULL,
  revision INTEGER NOT NULL,
  release_name TEXT,
  app_type TEXT NOT NULL DEFAULT 'helm',
  chart TEXT,
  chart_ref TEXT,
  chart_version TEXT,
  status TEXT,
  helm_revision INTEGER,
  deployed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  description TEXT,
  config TEXT,
  config_hash TEXT,
  owner_pid INTEGER,
  owner_host TEXT,
  UNIQUE(context, namespace, app, revision)
);
CREATE INDEX IF NOT EXISTS ix_deployments_ns_app ON deployments(namespace, app, revision);
CREATE INDEX IF NOT EXISTS ix_deployments_app ON deployments(app);
CREATE INDEX IF NOT EXISTS ix_deployments_status ON deployments(status);
CREATE INDEX IF NOT EXISTS ix_deployments_deployed_at ON deployments(deployed_at);
CREATE TABLE IF NOT EXISTS deployment_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  deployment_id INTEGER REFERENCES deployments(id) ON DELETE CASCADE,
  action TEXT NOT NULL,
  timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  user TEXT,
  description TEXT
);
CREATE INDEX IF NOT EXISTS ix_history_deployment ON deployment_history(deployment_id);
CREATE INDEX IF NOT EXISTS ix_history_action ON deployment_history(action, deployment_id);
CREATE INDEX IF NOT EXISTS ix_deployments_ns_app_status ON deployments(namespace, app, status);
CREATE TABLE IF NOT EXISTS locks (
  lock_id TEXT PRIMARY KEY,
  context TEXT NOT NULL DEFAULT '',
  namespace TEXT NOT NULL,
  app TEXT NOT NULL DEFAULT '*',
  owner TEXT NOT NULL,
  pid INTEGER,
  host TEXT,
  operation TEXT NOT NULL,
  reason TEXT,
  acquired_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP,
  UNIQUE(context, namespace, app)
);
",
        };

        internal static int Latest => Steps.Length;

        /// <summary>Columns a database made from the seed's draft schema lacks, added before step 0 builds indexes on them.</summary>
        private static readonly (string Table, string Column, string Definition)[] SeedSchemaGaps =
        {
            ("deployments", "context", "TEXT NOT NULL DEFAULT ''"),
            ("deployments", "release_name", "TEXT"),
            ("deployments", "app_type", "TEXT NOT NULL DEFAULT 'helm'"),
            ("deployments", "chart_ref", "TEXT"),
            ("deployments", "chart_version", "TEXT"),
            ("deployments", "helm_revision", "INTEGER"),
            ("deployments", "description", "TEXT"),
            ("deployments", "config_hash", "TEXT"),
            ("deployments", "owner_pid", "INTEGER"),
            ("deployments", "owner_host", "TEXT"),
        };

        internal static void Apply(DbConnection conn, DbTransaction tx, int fromVersion)
        {
            if (fromVersion == 0)
            {
                AddMissingColumns(conn, tx);
            }
            for (int v = fromVersion; v < Steps.Length; v++)
            {
                StateStore.Execute(conn, Steps[v], tx);
            }
        }

        private static void AddMissingColumns(DbConnection conn, DbTransaction tx)
        {
            foreach (var group in SeedSchemaGaps.GroupBy(g => g.Table))
            {
                var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                using (DbCommand cmd = StateStore.Command(conn, $"PRAGMA table_info({group.Key})", tx))
                using (DbDataReader r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        existing.Add(r.GetString(1));
                    }
                }
                if (existing.Count == 0)
                {
                    continue;
                }
                foreach (var gap in group.Where(g => !existing.Contains(g.Column)))
                {
                    StateStore.Execute(conn, $"ALTER TABLE {gap.Table} ADD COLUMN {gap.Column} {gap.Definition}", tx);
                }
            }
        }
    }
}
