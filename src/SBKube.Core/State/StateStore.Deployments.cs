using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Data.Common;
using SBKube.Core.State.Backends;

namespace SBKube.Core.State
{
    /// <summary>What a new revision row starts with.</summary>
    public sealed class NewDeployment
    {
        public string Context { get; set; } = "";
        public string Namespace { get; set; } = "";
        public string App { get; set; } = "";
        public string ReleaseName { get; set; } = "";
        public string AppType { get; set; } = StoredAppType.Helm;
        public string? Chart { get; set; }
        public string? ChartRef { get; set; }
        public string? ChartVersion { get; set; }
        public string Status { get; set; } = DeploymentStatus.PendingInstall;
        public string? Description { get; set; }
        public string? Config { get; set; }
        public string? ConfigHash { get; set; }
    }

    public sealed partial class StateStore
    {
        /// <summary>
        /// Writes a pending revision (number = last + 1 for this app) owned by this process.
        /// Written before Helm runs, so a crash leaves evidence that the next run reconciles.
        /// </summary>
        public DeploymentRecord BeginDeployment(NewDeployment d) => Write((conn, tx) =>
        {
            // The app's counter remembers numbers whose rows were deleted since (by hand, or by a prune of everything).
            object? max = Scalar(conn,
                "SELECT MAX(m) FROM (SELECT MAX(revision) AS m FROM deployments WHERE context = @c AND namespace = @n AND app = @a " +
                "UNION ALL SELECT last_revision FROM revision_counters WHERE context = @c AND namespace = @n AND app = @a) used", tx,
                ("@c", d.Context), ("@n", d.Namespace), ("@a", d.App));
            long last = max == null ? 0 : Convert.ToInt64(max, CultureInfo.InvariantCulture);
            if (last >= int.MaxValue)
            {
                throw new StateStoreException(StateStoreErrorKind.RevisionLimit, Path,
                    $"{d.Namespace}/{d.App} is at revision {last}, the highest a revision can have; nothing was changed. " +
                    "Remove its highest revisions, or record the app under another name.");
            }
            int revision = (int)last + 1;
            Execute(conn,
                "INSERT INTO revision_counters (context, namespace, app, last_revision) VALUES (@c, @n, @a, @r) " +
                "ON CONFLICT (context, namespace, app) DO UPDATE SET last_revision = excluded.last_revision", tx,
                ("@c", d.Context), ("@n", d.Namespace), ("@a", d.App), ("@r", revision));
            object now = Now();
            long id = Convert.ToInt64(Scalar(conn,
                "INSERT INTO deployments (context, namespace, app, revision, release_name, app_type, chart, chart_ref, " +
                "chart_version, status, deployed_at, description, config, config_hash, owner_pid, owner_host, owner_instance) VALUES " +
                "(@c, @n, @a, @r, @rel, @type, @chart, @ref, @ver, @st, @at, @desc, @cfg, @hash, @pid, @host, @inst) RETURNING id", tx,
                ("@c", d.Context), ("@n", d.Namespace), ("@a", d.App), ("@r", revision), ("@rel", d.ReleaseName),
                ("@type", d.AppType), ("@chart", d.Chart), ("@ref", d.ChartRef), ("@ver", d.ChartVersion),
                ("@st", d.Status), ("@at", now), ("@desc", d.Description), ("@cfg", d.Config), ("@hash", d.ConfigHash),
                ("@pid", CurrentProcess.Id), ("@host", CurrentProcess.Host), ("@inst", CurrentProcess.Instance)), CultureInfo.InvariantCulture);
            return ReadRecords(conn, "WHERE id = @id", tx, ("@id", id)).Single();
        });

        /// <summary>
        /// Finishes a pending revision. <c>deployed</c> and <c>uninstalled</c> retire the previously
        /// deployed revision (superseded); <c>failed</c> leaves it deployed.
        /// </summary>
        public DeploymentRecord FinishDeployment(long id, string status, int? helmRevision, string? description,
            string action, string? user = null, string? supersededFailedBecause = null, string? chart = null, string? chartVersion = null,
            string? errorId = null) => Write((conn, tx) =>
        {
            DeploymentRecord row = ReadRecords(conn, "WHERE id = @id", tx, ("@id", id)).SingleOrDefault()
                ?? throw new StateStoreException(StateStoreErrorKind.NotFound, Path, $"Deployment row {id} no longer exists.");
            if (status == DeploymentStatus.Deployed || status == DeploymentStatus.Uninstalled)
            {
                string suffix = supersededFailedBecause == null ? "" : $" (FAILED: {supersededFailedBecause})";
                Execute(conn,
                    "UPDATE deployments SET status = @sup, description = COALESCE(description, '') || @suffix " +
                    "WHERE context = @c AND namespace = @n AND app = @a AND status = @dep AND id <> @id", tx,
                    ("@sup", supersededFailedBecause == null ? DeploymentStatus.Superseded : DeploymentStatus.Failed),
                    ("@suffix", suffix), ("@c", row.Context), ("@n", row.Namespace),
                    ("@a", row.App), ("@dep", DeploymentStatus.Deployed), ("@id", id));
            }
            Execute(conn,
                "UPDATE deployments SET status = @st, helm_revision = COALESCE(@hr, helm_revision), " +
                "description = COALESCE(@desc, description), chart = COALESCE(@chart, chart), chart_version = COALESCE(@cv, chart_version), " +
                "owner_pid = NULL, owner_host = NULL, owner_instance = NULL WHERE id = @id", tx,
                ("@st", status), ("@hr", helmRevision), ("@desc", description), ("@chart", chart), ("@cv", chartVersion), ("@id", id));
            AddHistory(conn, tx, id, action, description ?? row.Description, user,
                status == DeploymentStatus.Failed ? AuditOutcome.Failed : null, errorId);
            return ReadRecords(conn, "WHERE id = @id", tx, ("@id", id)).Single();
        });

        /// <summary>
        /// Ends a pending revision that Helm never recorded (it failed before it reached the cluster): the row goes,
        /// so revision numbers stay consecutive, and the attempt stays on the record as a history row of the app.
        /// </summary>
        public void DropAttempt(long id, string action, string description, string? errorId) => Write((conn, tx) =>
        {
            DeploymentRecord row = ReadRecords(conn, "WHERE id = @id", tx, ("@id", id)).SingleOrDefault()
                ?? throw new StateStoreException(StateStoreErrorKind.NotFound, Path, $"Deployment row {id} no longer exists.");
            Execute(conn, "DELETE FROM deployments WHERE id = @id", tx, ("@id", id));
            Execute(conn,
                "UPDATE revision_counters SET last_revision = last_revision - 1 " +
                "WHERE context = @c AND namespace = @n AND app = @a AND last_revision = @r", tx,
                ("@c", row.Context), ("@n", row.Namespace), ("@a", row.App), ("@r", row.Revision));
            AddHistory(conn, tx, null, action, description, outcome: AuditOutcome.Failed, errorId: errorId,
                app: (row.Context, row.Namespace, row.App));
            return 0;
        });

        /// <summary>Raises each app's revision counter to the highest revision its rows have (after an import or a migration).</summary>
        internal const string CountersFromDeployments =
            "INSERT INTO revision_counters (context, namespace, app, last_revision) " +
            "SELECT context, namespace, app, MAX(revision) FROM deployments WHERE true GROUP BY context, namespace, app " + KeepHigherCounter + ";";

        private const string KeepHigherCounter =
            "ON CONFLICT (context, namespace, app) DO UPDATE SET last_revision = CASE " +
            "WHEN excluded.last_revision > revision_counters.last_revision THEN excluded.last_revision ELSE revision_counters.last_revision END";

        /// <summary>Raises revision counters to numbers used elsewhere (the database a restore replaced), never lowering one.</summary>
        public void RaiseRevisionCounters(IEnumerable<(string Context, string Namespace, string App, int Revision)> used) => Write((conn, tx) =>
        {
            foreach ((string Context, string Namespace, string App, int Revision) u in used)
            {
                Execute(conn,
                    "INSERT INTO revision_counters (context, namespace, app, last_revision) VALUES (@c, @n, @a, @r) " + KeepHigherCounter,
                    tx, ("@c", u.Context), ("@n", u.Namespace), ("@a", u.App), ("@r", u.Revision));
            }
            return 0;
        });

        /// <summary>Rows of the state list, oldest revision first within each app.</summary>
        public IReadOnlyList<DeploymentRecord> List(string? ns = null, string? app = null, string? context = null,
            bool latestOnly = false)
        {
            var rows = new List<DeploymentRecord>();
            Stream(rows.Add, ns, app, context, latestOnly);
            return rows;
        }

        /// <summary>
        /// The rows of <see cref="List"/>, handed to <paramref name="onRow"/> as they are read, so a million
        /// revisions never sit in memory at once. A failure after the first row is not retried (that would
        /// hand out rows twice). Without <paramref name="snapshots"/> the rows come without their snapshot
        /// (Config is null): a table or JSON listing never shows it, and it is the widest column. With
        /// <paramref name="maskSnapshot"/> each row's snapshot is masked when first read, without a copy of the row.
        /// </summary>
        public void Stream(Action<DeploymentRecord> onRow, string? ns = null, string? app = null, string? context = null,
            bool latestOnly = false, bool snapshots = true, Func<string?, string?>? maskSnapshot = null)
        {
            var p = new List<(string, object?)>();
            string where = ListWhere(p, ns, app, context, latestOnly);
            string columns = snapshots ? Columns : Columns.Replace(" config,", " NULL AS config,");
            RunOnce(conn =>
            {
                using IRowReader r = _backend.Query(conn, $"SELECT {columns} FROM deployments {where} ORDER BY namespace, app, context, revision", p.ToArray());
                while (r.Read())
                {
                    DeploymentRecord row = ReadRecord(r);
                    if (maskSnapshot != null)
                    {
                        row.MaskConfig(maskSnapshot);
                    }
                    onRow(row);
                }
                return 0;
            });
        }

        /// <summary>The longest namespace, app, status and chart and the highest revision among the rows of <see cref="List"/>.</summary>
        public StateListWidths ListWidths(string? ns = null, string? app = null, string? context = null, bool latestOnly = false)
        {
            var p = new List<(string, object?)>();
            string where = ListWhere(p, ns, app, context, latestOnly);
            return Run(conn =>
            {
                using DbCommand cmd = Command(conn,
                    "SELECT MAX(LENGTH(namespace)), MAX(LENGTH(app)), MAX(revision), MAX(LENGTH(status)), MAX(LENGTH(chart)) " +
                    $"FROM deployments {where}", null, p.ToArray());
                using DbDataReader r = cmd.ExecuteReader();
                r.Read();
                int At(int i) => r.IsDBNull(i) ? 0 : Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture);
                return new StateListWidths(At(0), At(1), At(2).ToString(CultureInfo.InvariantCulture).Length, At(3), At(4));
            });
        }

        private static string ListWhere(List<(string, object?)> p, string? ns, string? app, string? context, bool latestOnly)
        {
            string where = Where(p, ("namespace", ns), ("app", app), ("context", context));
            if (latestOnly)
            {
                // One grouped pass instead of a subquery per row: stays fast on a million revisions.
                where += (where.Length == 0 ? "WHERE " : " AND ") +
                    "(context, namespace, app, revision) IN (SELECT context, namespace, app, MAX(revision) FROM deployments " +
                    where + " GROUP BY context, namespace, app)";
            }
            return where;
        }

        /// <summary>Revisions of one app, ascending; with <paramref name="limit"/> only the newest N (still ascending).</summary>
        public IReadOnlyList<DeploymentRecord> History(string ns, string app, string? context = null, int? limit = null,
            DateTime? since = null) => Run(conn =>
        {
            var p = new List<(string, object?)>();
            string where = Where(p, ("namespace", ns), ("app", app), ("context", context));
            if (since.HasValue)
            {
                where += " AND deployed_at >= @since";
                p.Add(("@since", Time(since.Value)));
            }
            string order = " ORDER BY revision DESC, context";
            if (limit.HasValue)
            {
                order += " LIMIT @limit";
                p.Add(("@limit", limit.Value));
            }
            List<DeploymentRecord> rows = ReadRecords(conn, where + order, null, p.ToArray());
            rows.Reverse();
            return (IReadOnlyList<DeploymentRecord>)rows;
        });

        public DeploymentRecord? Get(string ns, string app, int revision, string? context = null) =>
            Single(ns, app, context, "revision = @rev", ("@rev", revision));

        /// <summary>The deployed revision of an app, or null (never deployed, deleted, or only failures).</summary>
        public DeploymentRecord? GetDeployed(string ns, string app, string? context = null) =>
            Single(ns, app, context, "status = @st", ("@st", DeploymentStatus.Deployed));

        public IReadOnlyList<DeploymentRecord> DeployedIn(string ns, string context) => Run(conn =>
            ReadRecords(conn, "WHERE namespace = @ns AND context = @c AND status = @st", null,
                ("@ns", ns), ("@c", context), ("@st", DeploymentStatus.Deployed)));

        public DeploymentRecord? GetLatest(string ns, string app, string? context = null) =>
            Single(ns, app, context,
                "revision = (SELECT MAX(d2.revision) FROM deployments d2 WHERE d2.context = deployments.context " +
                "AND d2.namespace = deployments.namespace AND d2.app = deployments.app)");

        private DeploymentRecord? Single(string ns, string app, string? context, string condition,
            params (string Name, object? Value)[] extra) => Run(conn =>
        {
            var p = new List<(string, object?)>();
            string where = Where(p, ("namespace", ns), ("app", app), ("context", context)) + " AND " + condition;
            p.AddRange(extra);
            List<DeploymentRecord> rows = ReadRecords(conn, where + " ORDER BY revision DESC", null, p.ToArray());
            if (rows.Select(r => r.Context).Distinct().Count() > 1)
            {
                throw new StateStoreException(StateStoreErrorKind.Ambiguous, Path,
                    $"{ns}/{app} was deployed to several kube contexts ({string.Join(", ", rows.Select(r => r.Context).Distinct())}).",
                    next: new NextStep(NextStepKind.NameKubeContext));
            }
            return rows.FirstOrDefault();
        });

        /// <summary>The newest Helm revision recorded for an app, failed attempts included; null when none.</summary>
        public int? MaxHelmRevision(string ns, string app, string? context = null) => Run(conn =>
        {
            var p = new List<(string, object?)>();
            string where = Where(p, ("namespace", ns), ("app", app), ("context", context));
            object? max = Scalar(conn, "SELECT MAX(helm_revision) FROM deployments " + where, null, p.ToArray());
            return max == null ? (int?)null : Convert.ToInt32(max, CultureInfo.InvariantCulture);
        });

        /// <summary>Pending rows, for crash reconciliation.</summary>
        public IReadOnlyList<DeploymentRecord> Pending(string? ns = null) => Run(conn =>
        {
            // Runs before every state listing. Filtering only on status lets SQLite use the status
            // index (pending rows are few); a namespace filter would make it walk the namespace.
            List<DeploymentRecord> rows = ReadRecords(conn,
                "WHERE status IN ('pending-install', 'pending-upgrade', 'pending-rollback', 'uninstalling') ORDER BY id", null);
            return (IReadOnlyList<DeploymentRecord>)rows.Where(r => ns == null || r.Namespace == ns).ToList();
        });

        public IReadOnlyList<HistoryEntry> HistoryEntries(long? deploymentId = null, string? action = null) => Run(conn =>
        {
            var p = new List<(string, object?)>();
            string where = Where(p, ("deployment_id", deploymentId), ("action", action));
            var list = new List<HistoryEntry>();
            using DbCommand cmd = Command(conn, $"SELECT {HistoryColumns()} FROM deployment_history h {where} ORDER BY h.id", null, p.ToArray());
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(ReadHistory(Values(r), new HistoryEntry()));
            }
            return (IReadOnlyList<HistoryEntry>)list;
        });

        /// <summary>Distinct (context, namespace, app) keys, for argument completion.</summary>
        public IReadOnlyList<(string Context, string Namespace, string App)> Apps() => Run(conn =>
        {
            var list = new List<(string, string, string)>();
            using DbCommand cmd = Command(conn,
                "SELECT DISTINCT context, namespace, app FROM deployments ORDER BY namespace, app", null);
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
            }
            return (IReadOnlyList<(string, string, string)>)list;
        });
    }
}
