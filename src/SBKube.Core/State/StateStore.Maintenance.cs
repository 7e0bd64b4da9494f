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
        /// <summary>UTC.</summary>
        public DateTime Oldest { get; set; }
        /// <summary>UTC.</summary>
        public DateTime Newest { get; set; }
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
            string candidates = PruneCandidates(request, p);
            // The candidates are worked out once, into a temporary table the summary and the deletes read.
            const string ids = "sbkube_prune_ids";
            string summary = "SELECT context, namespace, app, COUNT(*), MIN(revision), MAX(revision), MIN(deployed_at), MAX(deployed_at) " +
                $"FROM deployments WHERE id IN (SELECT id FROM {ids}) GROUP BY context, namespace, app ORDER BY namespace, app, context";
            List<PruneSummary> Summarize(DbConnection conn, DbTransaction? tx)
            {
                Execute(conn, $"DROP TABLE IF EXISTS {ids}", tx);
                // Created, then filled: PostgreSQL takes no parameters in CREATE TABLE AS.
                Execute(conn, $"CREATE TEMP TABLE {ids} (id BIGINT PRIMARY KEY)", tx);
                Execute(conn, $"INSERT INTO {ids} (id) {candidates}", tx, p.ToArray());
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
                        Oldest = ReadTime(r, 6),
                        Newest = ReadTime(r, 7),
                        WhatIf = request.WhatIf,
                    });
                }
                return list;
            }
            if (request.WhatIf)
            {
                return Run(conn =>
                {
                    List<PruneSummary> found = Summarize(conn, null);
                    Execute(conn, $"DROP TABLE {ids}");
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
                    Execute(conn, $"DELETE FROM deployment_history WHERE deployment_id IN (SELECT id FROM {ids})", tx);
                    Execute(conn, $"DELETE FROM deployments WHERE id IN (SELECT id FROM {ids})", tx);
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
                Execute(conn, $"DROP TABLE {ids}", tx);
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

        /// <summary>A SELECT of the ids a prune may remove, in id order.</summary>
        private string PruneCandidates(PruneRequest request, List<(string, object?)> p)
        {
            string where = Where(p, ("namespace", request.Namespace), ("app", request.App), ("context", request.Context));
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
            // Per app, the lowest revision kept (the KeepLast-th newest), found by walking the unique
            // (context, namespace, app, revision) index from the top; the revisions below it come from the
            // same index. A window over every row would sort the whole table first (twice as slow on a million).
            // Ordered by id, the temporary table the caller fills is written from front to back.
            return "SELECT d.id FROM (SELECT context, namespace, app, (SELECT k.revision FROM deployments k " +
                "WHERE k.context = a.context AND k.namespace = a.namespace AND k.app = a.app ORDER BY k.revision DESC LIMIT 1 OFFSET @skip) AS lowest_kept " +
                $"FROM (SELECT DISTINCT context, namespace, app FROM deployments {where}) AS a) AS t " +
                "JOIN deployments d ON d.context = t.context AND d.namespace = t.namespace AND d.app = t.app AND d.revision < t.lowest_kept " +
                "WHERE " + string.Join(" AND ", conditions) + " ORDER BY d.id";
        }
    }
}
