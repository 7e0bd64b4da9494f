using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Data.Common;
using SBKube.Core.Engine;
using SBKube.Core.State.Backends;

namespace SBKube.Core.State
{
    /// <summary>Outcome of an import: counts plus the revisions that clashed with different data.</summary>
    public sealed class ImportResult
    {
        public string? Path { get; set; }
        public int Imported { get; set; }
        /// <summary>Already present with the same config_hash and status.</summary>
        public int Skipped { get; set; }
        public int Conflicts => ConflictDetails.Count;
        public List<ImportConflict> ConflictDetails { get; } = new List<ImportConflict>();
        public bool WhatIf { get; set; }
    }

    /// <summary>A revision present in both the file and the database with a different config_hash or status.</summary>
    public sealed class ImportConflict
    {
        public string Context { get; set; } = "";
        public string Namespace { get; set; } = "";
        public string App { get; set; } = "";
        public int Revision { get; set; }
        public string? ExistingStatus { get; set; }
        public string? ImportedStatus { get; set; }
        public string? ExistingConfigHash { get; set; }
        public string? ImportedConfigHash { get; set; }

        public override string ToString() =>
            $"{Namespace}/{App} revision {Revision}{(Context.Length > 0 ? " (" + Context + ")" : "")}: the database has " +
            $"status '{ExistingStatus}', config_hash {Short(ExistingConfigHash)}; the file has status '{ImportedStatus}', " +
            $"config_hash {Short(ImportedConfigHash)}. Kept the database's row.";

        private static string Short(string? hash) => hash == null ? "(none)" : hash.Length > 12 ? hash.Substring(0, 12) : hash;
    }

    public sealed partial class StateStore
    {
        /// <summary>The <c>format</c> value of an export document.</summary>
        public const string ExportFormat = "sbkube-state";
        private const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

        private const string ArchiveColumns =
            "id, context, namespace, app, revision, release_name, app_type, chart, chart_ref, chart_version, status, " +
            "helm_revision, deployed_at, description, config, config_hash, owner_pid, owner_host";

        /// <summary>
        /// Writes every revision (filtered by namespace/app/context) with its history as a JSON document:
        /// <c>{ format, schema_version, exported_at, deployments: [ { columns…, config, history: […] } ] }</c>.
        /// The config snapshot is NOT redacted: this is a backup format. Row ids are local to a database and
        /// are left out; history rows whose deployment is gone are not exported.
        /// </summary>
        public void Export(Stream output, string? ns = null, string? app = null, string? context = null)
        {
            var writerOptions = new JsonWriterOptions
            {
                Indented = true,
                // Readable non-ASCII (descriptions, values); the document is not meant for HTML embedding.
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            };
            using var w = new Utf8JsonWriter(output, writerOptions);
            // One read transaction: deployments and history come from the same snapshot.
            Read((conn, tx) =>
            {
                var p = new List<(string, object?)>();
                string where = Where(p, ("namespace", ns), ("app", app), ("context", context));
                Dictionary<long, List<HistoryEntry>> history = ReadHistoryFor(conn, tx, where, p);

                w.WriteStartObject();
                w.WriteString("format", ExportFormat);
                w.WriteNumber("schema_version", SchemaVersion);
                w.WriteString("exported_at", _clock().ToUniversalTime().ToString(IsoFormat, CultureInfo.InvariantCulture));
                w.WriteStartArray("deployments");
                using (DbCommand cmd = Command(conn,
                    $"SELECT {ArchiveColumns} FROM deployments {where} ORDER BY context, namespace, app, revision", tx, p.ToArray()))
                using (DbDataReader r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        WriteDeployment(w, r, history.TryGetValue(r.GetInt64(0), out List<HistoryEntry>? h) ? h : null);
                        if (w.BytesPending > 64 * 1024)
                        {
                            w.Flush();
                        }
                    }
                }
                w.WriteEndArray();
                w.WriteEndObject();
                return 0;
            });
            w.Flush();
        }

        /// <summary><see cref="Export(Stream, string?, string?, string?)"/> as text.</summary>
        public string ExportJson(string? ns = null, string? app = null, string? context = null)
        {
            using var buffer = new MemoryStream();
            Export(buffer, ns, app, context);
            return new UTF8Encoding(false).GetString(buffer.ToArray());
        }

        /// <summary>Exports to a file written atomically and readable only by the owner (it holds unredacted values).</summary>
        public FileInfo ExportToFile(string path, string? ns = null, string? app = null, string? context = null)
        {
            string full = System.IO.Path.GetFullPath(path);
            try
            {
                AtomicFile.Write(full, AtomicFile.Private, stream => Export(stream, ns, app, context));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new StateStoreException(StateStoreErrorKind.Io, full, $"Cannot write the export '{full}': {e.Message}", e);
            }
            return new FileInfo(full);
        }

        private static Dictionary<long, List<HistoryEntry>> ReadHistoryFor(DbConnection conn, DbTransaction tx,
            string where, List<(string, object?)> p)
        {
            var map = new Dictionary<long, List<HistoryEntry>>();
            using DbCommand cmd = Command(conn,
                "SELECT h.id, h.deployment_id, h.action, h.timestamp, h.\"user\", h.description FROM deployment_history h " +
                $"WHERE h.deployment_id IN (SELECT id FROM deployments {where}) ORDER BY h.deployment_id, h.id", tx, p.ToArray());
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                long deploymentId = r.GetInt64(1);
                if (!map.TryGetValue(deploymentId, out List<HistoryEntry>? list))
                {
                    map[deploymentId] = list = new List<HistoryEntry>();
                }
                list.Add(new HistoryEntry
                {
                    Id = r.GetInt64(0),
                    DeploymentId = deploymentId,
                    Action = r.IsDBNull(2) ? "" : r.GetString(2),
                    Timestamp = ReadTime(r, 3),
                    User = r.IsDBNull(4) ? null : r.GetString(4),
                    Description = r.IsDBNull(5) ? null : r.GetString(5),
                });
            }
            return map;
        }

        private static void WriteDeployment(Utf8JsonWriter w, DbDataReader r, List<HistoryEntry>? history)
        {
            w.WriteStartObject();
            w.WriteString("context", r.IsDBNull(1) ? "" : r.GetString(1));
            w.WriteString("namespace", r.GetString(2));
            w.WriteString("app", r.GetString(3));
            w.WriteNumber("revision", r.GetInt32(4));
            WriteNullable(w, "release_name", r, 5);
            WriteNullable(w, "app_type", r, 6);
            WriteNullable(w, "chart", r, 7);
            WriteNullable(w, "chart_ref", r, 8);
            WriteNullable(w, "chart_version", r, 9);
            WriteNullable(w, "status", r, 10);
            WriteNullableInt(w, "helm_revision", r, 11);
            WriteTime(w, "deployed_at", r, 12);
            WriteNullable(w, "description", r, 13);
            w.WritePropertyName("config");
            WriteConfig(w, r.IsDBNull(14) ? null : r.GetString(14));
            WriteNullable(w, "config_hash", r, 15);
            WriteNullableInt(w, "owner_pid", r, 16);
            WriteNullable(w, "owner_host", r, 17);
            w.WriteStartArray("history");
            foreach (HistoryEntry h in history ?? Enumerable.Empty<HistoryEntry>())
            {
                w.WriteStartObject();
                w.WriteString("action", h.Action);
                WriteTime(w, "timestamp", h.Timestamp);
                w.WriteString("user", h.User);
                w.WriteString("description", h.Description);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }

        /// <summary>The snapshot as a JSON object; text that is not JSON (hand-edited rows) stays a string.</summary>
        private static void WriteConfig(Utf8JsonWriter w, string? config)
        {
            if (config == null)
            {
                w.WriteNullValue();
                return;
            }
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(config);
            }
            catch (JsonException)
            {
                node = null;
            }
            if (node is JsonObject)
            {
                node.WriteTo(w);
            }
            else
            {
                w.WriteStringValue(config);
            }
        }

        private static void WriteNullable(Utf8JsonWriter w, string name, DbDataReader r, int i)
        {
            if (r.IsDBNull(i))
            {
                w.WriteNull(name);
            }
            else
            {
                w.WriteString(name, r.GetValue(i).ToString());
            }
        }

        private static void WriteNullableInt(Utf8JsonWriter w, string name, DbDataReader r, int i)
        {
            if (r.IsDBNull(i))
            {
                w.WriteNull(name);
            }
            else
            {
                w.WriteNumber(name, r.GetInt64(i));
            }
        }

        /// <summary>ISO 8601 UTC when the stored value is a time; otherwise the text as stored (hand-edited rows).</summary>
        private static void WriteTime(Utf8JsonWriter w, string name, DbDataReader r, int i)
        {
            if (r.IsDBNull(i))
            {
                w.WriteNull(name);
                return;
            }
            DateTime t = ReadTime(r, i);
            if (t == DateTime.MinValue)
            {
                w.WriteString(name, Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture));
                return;
            }
            WriteTime(w, name, t);
        }

        private static void WriteTime(Utf8JsonWriter w, string name, DateTime t)
        {
            if (t == DateTime.MinValue)
            {
                w.WriteNull(name);
                return;
            }
            w.WriteString(name, t.ToString(IsoFormat, CultureInfo.InvariantCulture));
        }

        /// <summary>
        /// Loads an export document in one transaction. A revision already present under the same
        /// (context, namespace, app, revision) is skipped when config_hash and status match and reported as
        /// a conflict otherwise (the database's row wins). With <paramref name="whatIf"/> the work is done and
        /// rolled back, so the counts are exact and nothing changes.
        /// </summary>
        public ImportResult Import(string json, bool whatIf = false, string? sourceName = null)
        {
            JsonObject doc = ParseExport(json, sourceName);
            var result = new ImportResult { Path = sourceName, WhatIf = whatIf };
            JsonArray deployments = doc["deployments"] as JsonArray ?? new JsonArray();

            Func<DbConnection, DbTransaction, ImportResult> work = (conn, tx) =>
            {
                var touched = new HashSet<(string, string, string)>();
                int index = 0;
                foreach (JsonNode? node in deployments)
                {
                    if (!(node is JsonObject d))
                    {
                        throw Invalid(sourceName, $"deployments[{index}] is not an object");
                    }
                    ImportOne(conn, tx, d, index++, sourceName, result, touched);
                }
                foreach ((string c, string n, string a) in touched)
                {
                    KeepOneDeployed(conn, tx, c, n, a);
                }
                return result;
            };

            if (whatIf)
            {
                return BackendImpl.Run(conn =>
                {
                    using DbTransaction tx = BackendImpl.BeginWrite(conn);
                    work(conn, tx);
                    tx.Rollback();
                    return result;
                });
            }
            return Write(work);
        }

        /// <summary>Imports from a file written by <see cref="ExportToFile"/> or Export-SbkubeState.</summary>
        public ImportResult ImportFile(string path, bool whatIf = false)
        {
            string full = System.IO.Path.GetFullPath(path);
            string text;
            try
            {
                text = File.ReadAllText(full, Encoding.UTF8);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new StateStoreException(e is FileNotFoundException || e is DirectoryNotFoundException
                    ? StateStoreErrorKind.NotFound : StateStoreErrorKind.Io, full, $"Cannot read the import file '{full}': {e.Message}", e);
            }
            return Import(text, whatIf, full);
        }

        private static JsonObject ParseExport(string json, string? source)
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
            }
            catch (JsonException e)
            {
                throw Invalid(source, $"it is not valid JSON ({e.Message})");
            }
            if (!(root is JsonObject doc) || !string.Equals(Text(doc["format"]), ExportFormat, StringComparison.Ordinal))
            {
                throw Invalid(source, $"it has no \"format\": \"{ExportFormat}\" at the top");
            }
            int version = doc["schema_version"] is JsonValue v && v.TryGetValue(out int n) ? n : 0;
            if (version > SchemaVersion)
            {
                throw Invalid(source, $"it was written with schema version {version}, newer than the {SchemaVersion} this SBKube supports; upgrade SBKube");
            }
            if (doc["deployments"] != null && !(doc["deployments"] is JsonArray))
            {
                throw Invalid(source, "\"deployments\" is not an array");
            }
            return doc;
        }

        private void ImportOne(DbConnection conn, DbTransaction tx, JsonObject d, int index, string? source,
            ImportResult result, HashSet<(string, string, string)> touched)
        {
            string context = Text(d["context"]) ?? "";
            string ns = Text(d["namespace"]) ?? throw Invalid(source, $"deployments[{index}] has no namespace");
            string app = Text(d["app"]) ?? throw Invalid(source, $"deployments[{index}] has no app");
            int revision = d["revision"] is JsonValue rv && rv.TryGetValue(out int r) && r > 0
                ? r : throw Invalid(source, $"deployments[{index}] ({ns}/{app}) has no positive revision number");
            string? status = Text(d["status"]);
            string? hash = Text(d["config_hash"]);

            using (DbCommand cmd = Command(conn,
                "SELECT status, config_hash FROM deployments WHERE context = @c AND namespace = @n AND app = @a AND revision = @r",
                tx, ("@c", context), ("@n", ns), ("@a", app), ("@r", revision)))
            using (DbDataReader existing = cmd.ExecuteReader())
            {
                if (existing.Read())
                {
                    string? oldStatus = existing.IsDBNull(0) ? null : existing.GetString(0);
                    string? oldHash = existing.IsDBNull(1) ? null : existing.GetString(1);
                    if (oldStatus == status && oldHash == hash)
                    {
                        result.Skipped++;
                    }
                    else
                    {
                        result.ConflictDetails.Add(new ImportConflict
                        {
                            Context = context, Namespace = ns, App = app, Revision = revision,
                            ExistingStatus = oldStatus, ImportedStatus = status,
                            ExistingConfigHash = oldHash, ImportedConfigHash = hash,
                        });
                    }
                    return;
                }
            }

            JsonNode? config = d["config"];
            string? configText = config == null ? null
                : config is JsonValue cv && cv.TryGetValue(out string? s) ? s
                : config.ToJsonString();
            long id = Convert.ToInt64(Scalar(conn,
                "INSERT INTO deployments (context, namespace, app, revision, release_name, app_type, chart, chart_ref, " +
                "chart_version, status, helm_revision, deployed_at, description, config, config_hash, owner_pid, owner_host) VALUES " +
                "(@c, @n, @a, @r, @rel, @type, @chart, @ref, @ver, @st, @hr, @at, @desc, @cfg, @hash, @pid, @host) RETURNING id", tx,
                ("@c", context), ("@n", ns), ("@a", app), ("@r", revision),
                ("@rel", Text(d["release_name"])), ("@type", Text(d["app_type"]) ?? "helm"), ("@chart", Text(d["chart"])),
                ("@ref", Text(d["chart_ref"])), ("@ver", Text(d["chart_version"])), ("@st", status),
                ("@hr", Int(d["helm_revision"])), ("@at", StoredTime(d["deployed_at"], "deployed_at", index, source)), ("@desc", Text(d["description"])),
                ("@cfg", configText), ("@hash", hash), ("@pid", Int(d["owner_pid"])), ("@host", Text(d["owner_host"]))), CultureInfo.InvariantCulture);
            if (d["history"] is JsonArray history)
            {
                foreach (JsonNode? h in history)
                {
                    if (h is JsonObject entry)
                    {
                        Execute(conn,
                            "INSERT INTO deployment_history (deployment_id, action, timestamp, \"user\", description) VALUES (@d, @a, @t, @u, @desc)",
                            tx, ("@d", id), ("@a", Text(entry["action"]) ?? ""), ("@t", StoredTime(entry["timestamp"], "history timestamp", index, source)),
                            ("@u", Text(entry["user"])), ("@desc", Text(entry["description"])));
                    }
                }
            }
            result.Imported++;
            touched.Add((context, ns, app));
        }

        /// <summary>
        /// Merging two databases can leave an app with two deployed revisions; only the newest stays
        /// deployed, the rest become superseded (the same rule FinishDeployment applies).
        /// </summary>
        private static void KeepOneDeployed(DbConnection conn, DbTransaction tx, string context, string ns, string app)
        {
            Execute(conn,
                "UPDATE deployments SET status = @sup WHERE context = @c AND namespace = @n AND app = @a AND status = @dep " +
                "AND revision < (SELECT MAX(revision) FROM deployments WHERE context = @c AND namespace = @n AND app = @a AND status = @dep)",
                tx, ("@sup", DeploymentStatus.Superseded), ("@dep", DeploymentStatus.Deployed), ("@c", context), ("@n", ns), ("@a", app));
        }

        private static string? Text(JsonNode? node) =>
            node is JsonValue v ? (v.TryGetValue(out string? s) ? s : v.ToJsonString()) : null;

        private static long? Int(JsonNode? node) =>
            node is JsonValue v && v.TryGetValue(out long n) ? n : (long?)null;

        /// <summary>
        /// Back to the store's time form (UTC text in SQLite, so comparison with '2025-01-01' keeps working).
        /// SQLite keeps text that is not a time as it was; a PostgreSQL timestamp column cannot hold it.
        /// </summary>
        private object? StoredTime(JsonNode? node, string field, int index, string? source)
        {
            string? text = Text(node);
            if (text == null)
            {
                return null;
            }
            DateTime t = ParseTime(text);
            if (t != DateTime.MinValue)
            {
                return Time(t);
            }
            return BackendImpl is SqliteBackend
                ? text
                : throw Invalid(source, $"deployments[{index}] has a {field} '{text}' that is not a time");
        }

        private static SbkubeException Invalid(string? source, string why) =>
            new SbkubeException(
                $"{(source == null ? "The import document" : $"'{source}'")} is not an SBKube state export: {why}. " +
                $"Expected the JSON written by Export-SbkubeState ({{ \"format\": \"{ExportFormat}\", \"deployments\": [...] }}). " +
                "Nothing was imported.",
                "Import.InvalidDocument", SbkubeException.InvalidData, source);
    }
}
