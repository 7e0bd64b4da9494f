using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Data.Common;

namespace SBKube.Core.State
{
    /// <summary>Which revisions a prune may remove. At least one of OlderThanUtc / KeepLast is required.</summary>
    public sealed class PruneRequest
    {
        public string? Namespace { get; set; }
        public string? App { get; set; }
        public string? Context { get; set; }
        /// <summary>Only revisions deployed before this instant (UTC).</summary>
        public DateTime? OlderThanUtc { get; set; }
        /// <summary>Always keep the newest N revisions of each app.</summary>
        public int? KeepLast { get; set; }
        /// <summary>Report what would be removed; change nothing.</summary>
        public bool WhatIf { get; set; }
    }

    /// <summary>What a prune removes (or, with WhatIf, would remove) from one app.</summary>
    public sealed class PruneSummary
    {
        public string Context { get; set; } = "";
        public string Namespace { get; set; } = "";
        public string App { get; set; } = "";
        public int Revisions { get; set; }
        public int FirstRevision { get; set; }
        public int LastRevision { get; set; }
        /// <summary>The oldest revision's time in local time, as Get-Item's LastWriteTime; OldestUtc is the same instant in UTC.</summary>
        public DateTime Oldest => OldestUtc.ToLocalTime();
        public DateTime OldestUtc { get; set; }
        /// <summary>The newest revision's time in local time, as Get-Item's LastWriteTime; NewestUtc is the same instant in UTC.</summary>
        public DateTime Newest => NewestUtc.ToLocalTime();
        public DateTime NewestUtc { get; set; }
        /// <summary>Attempts of the app that made no revision (history rows), older than its oldest revision kept.</summary>
        public int Attempts { get; set; }
        /// <summary>True when nothing was removed (WhatIf).</summary>
        public bool WhatIf { get; set; }

        public override string ToString() => $"{Namespace}/{App}: {Revisions} revision(s) {FirstRevision}-{LastRevision}";
    }

    /// <summary>What <see cref="StateStore.Restore"/> did.</summary>
    public sealed class RestoreResult
    {
        public string Path { get; set; } = "";
        public string Source { get; set; } = "";
        /// <summary>Where the replaced database now lives (<c>state.db.bak</c>); null when there was none.</summary>
        public string? BackupPath { get; set; }
        /// <summary>Schema version of the restored file before it was migrated forward.</summary>
        public int SourceSchemaVersion { get; set; }
        public int SchemaVersion { get; set; }
        public long Revisions { get; set; }
        /// <summary>The apps whose Helm release is newer than the restored record (Helm was asked after the restore).</summary>
        public IReadOnlyList<DriftReport> HelmAhead { get; set; } = System.Array.Empty<DriftReport>();
    }

    public sealed partial class StateStore
    {
        private byte[]? _fingerprintKey;

        /// <summary>Read once per store object: the key never changes once made.</summary>
        public byte[]? FingerprintKey()
        {
            if (_fingerprintKey == null && Run(conn => StoreSettings.Read(conn, StoreSettings.FingerprintKey)) is string text)
            {
                _fingerprintKey = Convert.FromBase64String(text);
            }
            return _fingerprintKey;
        }

        /// <summary>
        /// Removes old revisions and their history rows in one transaction. Never removed: the deployed
        /// revision of an app, the newest revision of an app (it carries the current status and the
        /// revision counter), the newest <see cref="PruneRequest.KeepLast"/> revisions, and pending rows
        /// (evidence of an unfinished operation). Reports per app what went (or, with WhatIf, would go):
        /// how many revisions, which range and which dates, without reading the removed rows back, so
        /// removing most of a million revisions stays quick.
        /// </summary>
        public IReadOnlyList<PruneSummary> PruneBySummary(PruneRequest request)
        {
            RequireCriteria(request);
            var p = new List<(string, object?)>();
            (string fillApps, string fillIds) = PruneCandidates(request, p);
            // The candidates are worked out once, into temporary tables the summary and the deletes read:
            // one row per app with its lowest kept revision, and one per candidate with what the summary shows.
            string summary = "SELECT a.context, a.namespace, a.app, s.n, s.first_revision, s.last_revision, s.oldest, s.newest " +
                "FROM (SELECT app_key, COUNT(*) AS n, MIN(revision) AS first_revision, MAX(revision) AS last_revision, " +
                $"MIN(deployed_at) AS oldest, MAX(deployed_at) AS newest FROM {PruneIds} GROUP BY app_key) AS s " +
                $"JOIN {PruneApps} a ON a.app_key = s.app_key ORDER BY a.namespace, a.app, a.context";
            // An attempt (a history row without a revision) of an app with revisions pruned goes once it is older than
            // every revision the app keeps (and than the cutoff): the record left reads on from its oldest revision.
            string attempts = $"FROM deployment_history h JOIN {PruneApps} a ON a.context = h.context AND a.namespace = h.namespace AND a.app = h.app " +
                $"WHERE h.deployment_id IS NULL AND EXISTS (SELECT 1 FROM {PruneIds} i WHERE i.app_key = a.app_key)" +
                (request.OlderThanUtc.HasValue ? " AND h.timestamp < @cutoff" : "") +
                " AND h.timestamp < (SELECT MIN(d.deployed_at) FROM deployments d WHERE d.context = h.context AND d.namespace = h.namespace " +
                $"AND d.app = h.app AND d.id NOT IN (SELECT id FROM {PruneIds}))";
            List<PruneSummary> Summarize(DbConnection conn, DbTransaction? tx)
            {
                DropPruneTables(conn, tx);
                // Created, then filled: PostgreSQL takes no parameters in CREATE TABLE AS. The candidates'
                // table takes its column types from deployments (a text time in SQLite, timestamptz in PostgreSQL).
                Execute(conn, $"CREATE TEMP TABLE {PruneApps} (app_key BIGINT PRIMARY KEY, context TEXT NOT NULL, namespace TEXT NOT NULL, " +
                    "app TEXT NOT NULL, lowest_kept BIGINT, UNIQUE (context, namespace, app))", tx);
                Execute(conn, $"CREATE TEMP TABLE {PruneIds} AS SELECT id, id AS app_key, revision, deployed_at FROM deployments WHERE 1 = 0", tx);
                Execute(conn, $"CREATE UNIQUE INDEX {PruneIds}_id ON {PruneIds} (id)", tx);
                Execute(conn, fillApps, tx, p.ToArray());
                Execute(conn, fillIds, tx, p.ToArray());
                var list = new List<PruneSummary>();
                using DbCommand cmd = Command(conn, summary, tx);
                using DbDataReader r = cmd.ExecuteReader();
                while (r.Read())
                {
                    list.Add(new PruneSummary
                    {
                        Context = r.IsDBNull(0) ? "" : r.GetString(0),
                        Namespace = r.GetString(1),
                        App = r.GetString(2),
                        Revisions = Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture),
                        FirstRevision = Convert.ToInt32(r.GetValue(4), CultureInfo.InvariantCulture),
                        LastRevision = Convert.ToInt32(r.GetValue(5), CultureInfo.InvariantCulture),
                        OldestUtc = ReadTime(r, 6),
                        NewestUtc = ReadTime(r, 7),
                        WhatIf = request.WhatIf,
                    });
                }
                r.Close();
                using DbCommand counts = Command(conn, $"SELECT a.app_key, a.context, a.namespace, a.app, COUNT(*) {attempts} GROUP BY a.app_key, a.context, a.namespace, a.app",
                    tx, p.ToArray());
                using DbDataReader c = counts.ExecuteReader();
                while (c.Read())
                {
                    PruneSummary? app = list.FirstOrDefault(s => s.Context == c.GetString(1) && s.Namespace == c.GetString(2) && s.App == c.GetString(3));
                    if (app != null)
                    {
                        app.Attempts = Convert.ToInt32(c.GetValue(4), CultureInfo.InvariantCulture);
                    }
                }
                return list;
            }
            if (request.WhatIf)
            {
                return Run(conn =>
                {
                    List<PruneSummary> found = Summarize(conn, null);
                    DropPruneTables(conn, null);
                    return found;
                });
            }
            List<PruneSummary> removed = Write((conn, tx) =>
            {
                List<PruneSummary> found = Summarize(conn, tx);
                long count = found.Sum(f => (long)f.Revisions);
                void Delete()
                {
                    // Explicit, not only ON DELETE CASCADE: a DB touched by tools without foreign keys may lack it.
                    Execute(conn, $"DELETE FROM deployment_history WHERE id IN (SELECT h.id {attempts})", tx, p.ToArray());
                    Execute(conn, $"DELETE FROM deployment_history WHERE deployment_id IN (SELECT id FROM {PruneIds})", tx);
                    Execute(conn, $"DELETE FROM deployments WHERE id IN (SELECT id FROM {PruneIds})", tx);
                }
                long total = Convert.ToInt64(Scalar(conn, "SELECT COUNT(*) FROM deployments", tx), CultureInfo.InvariantCulture);
                if (count * 2 > total)
                {
                    BackendImpl.BulkDelete(conn, tx, "deployments", Delete);
                }
                else if (count > 0)
                {
                    Delete();
                }
                DropPruneTables(conn, tx);
                return found;
            });
            if (removed.Count > 0)
            {
                BackendImpl.Run(conn =>
                {
                    BackendImpl.AfterPrune(conn);
                    return 0;
                });
            }
            return removed;
        }

        private static void RequireCriteria(PruneRequest request)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }
            if (request.OlderThanUtc == null && request.KeepLast == null)
            {
                throw new ArgumentException("Say what to prune: an age (OlderThan), a number of revisions to keep (KeepLast), or both.",
                    nameof(request));
            }
            if (request.KeepLast < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(request), "KeepLast cannot be negative.");
            }
        }

        private const string PruneApps = "sbkube_prune_apps";
        private const string PruneIds = "sbkube_prune_ids";

        private static void DropPruneTables(DbConnection conn, DbTransaction? tx)
        {
            Execute(conn, $"DROP TABLE IF EXISTS {PruneIds}", tx);
            Execute(conn, $"DROP TABLE IF EXISTS {PruneApps}", tx);
        }

        /// <summary>The statements that fill the prune's temporary tables: the apps first, then the candidates.</summary>
        private (string Apps, string Ids) PruneCandidates(PruneRequest request, List<(string, object?)> p)
        {
            var filters = new (string Column, object? Value)[] { ("namespace", request.Namespace), ("app", request.App), ("context", request.Context) };
            string where = Where(p, filters);
            var conditions = new List<string>
            {
                "COALESCE(d.status, '') NOT IN (@deployed, @uninstalling)",
                "COALESCE(d.status, '') NOT LIKE 'pending-%'",
            };
            // The newest revision is always kept, so KeepLast is at least 1.
            p.Add(("@skip", Math.Max(1, request.KeepLast ?? 1) - 1));
            p.Add(("@deployed", DeploymentStatus.Deployed));
            p.Add(("@uninstalling", DeploymentStatus.Uninstalling));
            if (request.OlderThanUtc.HasValue)
            {
                conditions.Add("d.deployed_at < @cutoff");
                p.Add(("@cutoff", Time(request.OlderThanUtc.Value)));
            }
            // The filters again, on the candidate rows, so that a prune of one app reads that app's rows only.
            conditions.AddRange(filters.Where(f => f.Value != null).Select(f => $"d.{f.Column} = @{f.Column}"));
            // Per app, the lowest revision kept (the KeepLast-th newest), found by walking the unique
            // (context, namespace, app, revision) index from the top. The candidates then come from one pass
            // over deployments in id order (looking up their app in the small table), not from a lookup of each
            // row through the index, and carry what the summary needs, so it never reads deployments again.
            return ($"INSERT INTO {PruneApps} (app_key, context, namespace, app, lowest_kept) " +
                "SELECT ROW_NUMBER() OVER (ORDER BY context, namespace, app), context, namespace, app, (SELECT k.revision FROM deployments k " +
                "WHERE k.context = a.context AND k.namespace = a.namespace AND k.app = a.app ORDER BY k.revision DESC LIMIT 1 OFFSET @skip) " +
                $"FROM (SELECT DISTINCT context, namespace, app FROM deployments {where}) AS a",
                $"INSERT INTO {PruneIds} (id, app_key, revision, deployed_at) SELECT d.id, t.app_key, d.revision, d.deployed_at " +
                $"FROM deployments d JOIN {PruneApps} t ON d.context = t.context AND d.namespace = t.namespace AND d.app = t.app " +
                "WHERE d.revision < t.lowest_kept AND " + string.Join(" AND ", conditions) + " ORDER BY d.id");
        }
    }
}
