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
        /// <summary>The deployments table's columns and key, shared by step 0 and the rebuild of a draft table.</summary>
        private const string DeploymentsTable = @"(
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
)";

        private static readonly string[] Steps =
        {
            // 0 → 1: the seed's tables plus what SBKube needs (never rename these columns).
            "CREATE TABLE IF NOT EXISTS deployments " + DeploymentsTable + @";
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
            // 1 → 2: the store's own settings, such as the key of secret fingerprints (StoreSettings).
            "CREATE TABLE IF NOT EXISTS sbkube_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);",
            // 2 → 3: which kernel, PID namespace and start a row's or lock's process has (CurrentProcess.Instance).
            "ALTER TABLE deployments ADD COLUMN owner_instance TEXT; ALTER TABLE locks ADD COLUMN instance TEXT;",
            // 3 → 4: the app a history row is about when it has no revision (an attempt Helm never recorded).
            "ALTER TABLE deployment_history ADD COLUMN context TEXT; ALTER TABLE deployment_history ADD COLUMN namespace TEXT; " +
            "ALTER TABLE deployment_history ADD COLUMN app TEXT;",
            // 4 → 5: the highest revision number each app has used, so none is given twice after its rows are deleted.
            @"CREATE TABLE IF NOT EXISTS revision_counters (
  context TEXT NOT NULL DEFAULT '',
  namespace TEXT NOT NULL,
  app TEXT NOT NULL,
  last_revision INTEGER NOT NULL,
  PRIMARY KEY (context, namespace, app)
);
" + StateStore.CountersFromDeployments,
            // 5 → 6: how each attempt ended, and who made it from where with what (RunProvenance).
            "ALTER TABLE deployment_history ADD COLUMN outcome TEXT; ALTER TABLE deployment_history ADD COLUMN error_id TEXT; " +
            "ALTER TABLE deployment_history ADD COLUMN host TEXT; ALTER TABLE deployment_history ADD COLUMN pid INTEGER; " +
            "ALTER TABLE deployment_history ADD COLUMN ci_run TEXT; ALTER TABLE deployment_history ADD COLUMN config_commit TEXT; " +
            "ALTER TABLE deployment_history ADD COLUMN config_dirty INTEGER; ALTER TABLE deployment_history ADD COLUMN helm_version TEXT; " +
            "ALTER TABLE deployment_history ADD COLUMN sbkube_version TEXT;",
        };

        internal static int Latest => Steps.Length;

        /// <summary>Migrates from <paramref name="fromVersion"/> to <paramref name="toVersion"/> (default: the latest).</summary>
        internal static void Apply(DbConnection conn, DbTransaction tx, int fromVersion, int? toVersion = null)
        {
            if (fromVersion == 0)
            {
                RebuildDraftDeployments(conn, tx);
            }
            int to = toVersion ?? Steps.Length;
            for (int v = fromVersion; v < to; v++)
            {
                StateStore.Execute(conn, Steps[v], tx);
            }
            if (to == Steps.Length)
            {
                StoreSettings.Seed(conn, tx);
            }
        }

        /// <summary>
        /// A table made from the seed's draft schema lacks SBKube's columns and keys revisions by
        /// (namespace, app, revision), so a second kube context could not record revision 1. It is
        /// rebuilt with the current definition, keeping every row and id (history rows point at them).
        /// </summary>
        private static void RebuildDraftDeployments(DbConnection conn, DbTransaction tx)
        {
            IReadOnlyList<string> existing = SqliteSchemaCheck.Columns(conn, "deployments", tx);
            if (existing.Count == 0)
            {
                return;
            }
            // With foreign keys off (see Initialize), a legacy rename leaves deployment_history's key
            // naming "deployments": it then refers to the rebuilt table, and the drop touches no history.
            StateStore.Execute(conn, "PRAGMA legacy_alter_table = ON", tx);
            StateStore.Execute(conn, "ALTER TABLE deployments RENAME TO deployments_draft", tx);
            StateStore.Execute(conn, "PRAGMA legacy_alter_table = OFF", tx);
            StateStore.Execute(conn, "CREATE TABLE deployments " + DeploymentsTable, tx);
            IReadOnlyList<string> current = SqliteSchemaCheck.Columns(conn, "deployments", tx);
            string common = string.Join(", ", current.Where(c => existing.Contains(c, StringComparer.OrdinalIgnoreCase)));
            StateStore.Execute(conn, $"INSERT INTO deployments ({common}) SELECT {common} FROM deployments_draft", tx);
            StateStore.Execute(conn, "DROP TABLE deployments_draft", tx);
        }
    }
}
