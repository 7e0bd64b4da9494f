using System;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SBKube.Core.State
{
    public sealed partial class StateStore
    {
        private readonly Lazy<RunProvenance> _provenance = new Lazy<RunProvenance>(RunProvenance.FromEnvironment);

        /// <summary>
        /// Who makes this store's changes, from where and with what; written with every history row. Made on first use, so
        /// a store that is only read never scans the environment for it.
        /// </summary>
        public RunProvenance Provenance => _provenance.Value;

        /// <summary>
        /// Puts an attempt that made no revision on the record, as a history row of the app: refused by a lock,
        /// cancelled, or failed before Helm recorded anything.
        /// </summary>
        /// <param name="outcome"><see cref="AuditOutcome.Failed"/> or <see cref="AuditOutcome.Cancelled"/>.</param>
        public void RecordAttempt(string context, string ns, string app, string action, string description, string outcome, string? errorId) =>
            Write((conn, tx) =>
            {
                AddHistory(conn, tx, null, action, description, outcome: outcome, errorId: errorId, app: (context, ns, app));
                return 0;
            });

        /// <summary>
        /// Writes one history row with this process's provenance. A row without a revision names its app itself;
        /// <paramref name="outcome"/> is stored for attempts and failures (a revision's own status says the rest).
        /// </summary>
        internal void AddHistory(DbConnection conn, DbTransaction tx, long? deploymentId, string action, string? description,
            string? user = null, string? outcome = null, string? errorId = null, (string Context, string Namespace, string App)? app = null)
        {
            RunProvenance p = Provenance;
            InsertHistory(conn, tx, Now(), new HistoryEntry
            {
                DeploymentId = deploymentId, Action = action, User = user ?? CurrentProcess.User, Description = description,
                Context = app?.Context, Namespace = app?.Namespace, App = app?.App, RecordedOutcome = outcome, ErrorId = errorId,
                Host = p.Host, ProcessId = p.ProcessId, CiRun = p.CiRun, ConfigCommit = p.ConfigCommit, ConfigDirty = p.ConfigDirty,
                HelmVersion = p.HelmVersion, SbkubeVersion = p.SbkubeVersion,
            });
        }

        /// <param name="timestamp">In the store's own time form.</param>
        private static void InsertHistory(DbConnection conn, DbTransaction tx, object? timestamp, HistoryEntry h) =>
            Execute(conn,
                "INSERT INTO deployment_history (deployment_id, action, timestamp, \"user\", description, context, namespace, app, outcome, " +
                "error_id, host, pid, ci_run, config_commit, config_dirty, helm_version, sbkube_version) VALUES " +
                "(@d, @a, @t, @u, @desc, @c, @n, @app, @out, @err, @host, @pid, @ci, @commit, @dirty, @helm, @sbkube)",
                tx, ("@d", h.DeploymentId), ("@a", h.Action), ("@t", timestamp), ("@u", h.User), ("@desc", h.Description),
                ("@c", h.Context), ("@n", h.Namespace), ("@app", h.App), ("@out", h.RecordedOutcome), ("@err", h.ErrorId),
                ("@host", h.Host), ("@pid", h.ProcessId), ("@ci", h.CiRun), ("@commit", h.ConfigCommit), ("@dirty", h.ConfigDirty),
                ("@helm", h.HelmVersion), ("@sbkube", h.SbkubeVersion));

        /// <summary>The columns <see cref="ReadHistory"/> reads, in its order (table alias h).</summary>
        /// <param name="appColumns">Where the app comes from: the row's own columns, or the revision's where it has one.</param>
        internal static string HistoryColumns(string appColumns = "h.context, h.namespace, h.app") =>
            "h.id, h.deployment_id, h.action, h.timestamp, h.\"user\", h.description, " + appColumns +
            ", h.outcome, h.error_id, h.host, h.pid, h.ci_run, h.config_commit, h.config_dirty, h.helm_version, h.sbkube_version";

        /// <summary>How many columns <see cref="HistoryColumns"/> names.</summary>
        internal const int HistoryColumnCount = 18;

        /// <summary>Fills <paramref name="e"/> from a row of <see cref="HistoryColumns"/>; <paramref name="value"/> gives null for SQL NULL.</summary>
        internal static T ReadHistory<T>(Func<int, object?> value, T e) where T : HistoryEntry
        {
            string? Text(int i) => value(i) is object v ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;
            e.Id = Convert.ToInt64(value(0), CultureInfo.InvariantCulture);
            e.DeploymentId = value(1) is object d ? Convert.ToInt64(d, CultureInfo.InvariantCulture) : (long?)null;
            e.Action = Text(2) ?? "";
            e.TimestampUtc = TimeValue(value(3));
            e.User = Text(4);
            e.Description = Text(5);
            e.Context = Text(6);
            e.Namespace = Text(7);
            e.App = Text(8);
            e.RecordedOutcome = Text(9);
            e.ErrorId = Text(10);
            e.Host = Text(11);
            e.ProcessId = value(12) is object pid ? Convert.ToInt32(pid, CultureInfo.InvariantCulture) : (int?)null;
            e.CiRun = Text(13);
            e.ConfigCommit = Text(14);
            e.ConfigDirty = value(15) is object dirty ? Convert.ToBoolean(dirty, CultureInfo.InvariantCulture) : (bool?)null;
            e.HelmVersion = Text(16);
            e.SbkubeVersion = Text(17);
            return e;
        }

        internal static Func<int, object?> Values(DbDataReader r) => i => r.IsDBNull(i) ? null : r.GetValue(i);

        /// <summary>A history row in an export document; <paramref name="withApp"/> for a row without a revision.</summary>
        private static void WriteHistoryJson(Utf8JsonWriter w, HistoryEntry h, bool withApp)
        {
            w.WriteStartObject();
            if (withApp)
            {
                w.WriteString("context", h.Context);
                w.WriteString("namespace", h.Namespace);
                w.WriteString("app", h.App);
            }
            w.WriteString("action", h.Action);
            WriteTime(w, "timestamp", h.TimestampUtc);
            w.WriteString("user", h.User);
            w.WriteString("description", h.Description);
            w.WriteString("outcome", h.RecordedOutcome);
            w.WriteString("error_id", h.ErrorId);
            w.WriteString("host", h.Host);
            if (h.ProcessId is int pid) { w.WriteNumber("pid", pid); } else { w.WriteNull("pid"); }
            w.WriteString("ci_run", h.CiRun);
            w.WriteString("config_commit", h.ConfigCommit);
            if (h.ConfigDirty is bool dirty) { w.WriteBoolean("config_dirty", dirty); } else { w.WriteNull("config_dirty"); }
            w.WriteString("helm_version", h.HelmVersion);
            w.WriteString("sbkube_version", h.SbkubeVersion);
            w.WriteEndObject();
        }

        /// <summary>A history row of an export document (older documents lack the provenance fields: null).</summary>
        private static HistoryEntry HistoryFromJson(JsonObject entry, long? deploymentId) => new HistoryEntry
        {
            DeploymentId = deploymentId,
            Action = Text(entry["action"]) ?? "",
            User = Text(entry["user"]),
            Description = Text(entry["description"]),
            Context = deploymentId == null ? Text(entry["context"]) : null,
            Namespace = deploymentId == null ? Text(entry["namespace"]) : null,
            App = deploymentId == null ? Text(entry["app"]) : null,
            RecordedOutcome = Text(entry["outcome"]),
            ErrorId = Text(entry["error_id"]),
            Host = Text(entry["host"]),
            ProcessId = Int(entry["pid"]) is long pid ? (int)pid : (int?)null,
            CiRun = Text(entry["ci_run"]),
            ConfigCommit = Text(entry["config_commit"]),
            ConfigDirty = entry["config_dirty"] is JsonValue v && v.TryGetValue(out bool dirty) ? dirty : (bool?)null,
            HelmVersion = Text(entry["helm_version"]),
            SbkubeVersion = Text(entry["sbkube_version"]),
        };
    }
}
