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

namespace SBKube.Core.State
{
    public sealed partial class StateStore
    {
        /// <summary>The <c>format</c> value of an export document.</summary>
        public const string ExportFormat = "sbkube-state";
        private const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

        /// <summary>
        /// Writes every revision (filtered by namespace/app/context) with its history as a JSON document:
        /// <c>{ format, schema_version, exported_at, deployments: [ { columns…, config, history: […] } ], attempts: […] }</c>,
        /// attempts being the history rows without a revision. The config snapshot is NOT redacted: this is a backup
        /// format. Row ids are local to a database and are left out; history rows whose deployment is gone are not exported.
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
                    $"SELECT {Columns} FROM deployments {where} ORDER BY context, namespace, app, revision", tx, p.ToArray()))
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
                // Attempts that made no revision, and lock takeovers (which concern no app) when nothing is filtered.
                w.WriteStartArray("attempts");
                using (DbCommand cmd = Command(conn,
                    $"SELECT {HistoryColumns()} FROM deployment_history h {(where.Length == 0 ? "WHERE" : where + " AND")} h.deployment_id IS NULL ORDER BY h.id",
                    tx, p.ToArray()))
                using (DbDataReader r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        WriteHistoryJson(w, ReadHistory(Values(r), new HistoryEntry()), withApp: true);
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
        public FileInfo ExportToFile(string path, string? ns = null, string? app = null, string? context = null, bool overwrite = false)
        {
            string full = System.IO.Path.GetFullPath(path);
            if (!overwrite && File.Exists(full))
            {
                throw new StateStoreException(StateStoreErrorKind.Io, full, $"The export file '{full}' already exists.",
                    next: new NextStep(NextStepKind.Overwrite));
            }
            try
            {
                AtomicFile.Write(full, AtomicFile.Private, "export", stream => Export(stream, ns, app, context));
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
                $"SELECT {HistoryColumns()} FROM deployment_history h " +
                $"WHERE h.deployment_id IN (SELECT id FROM deployments {where}) ORDER BY h.deployment_id, h.id", tx, p.ToArray());
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                HistoryEntry h = ReadHistory(Values(r), new HistoryEntry());
                if (!map.TryGetValue(h.DeploymentId!.Value, out List<HistoryEntry>? list))
                {
                    map[h.DeploymentId.Value] = list = new List<HistoryEntry>();
                }
                list.Add(h);
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
            WriteNullable(w, "owner_instance", r, 18);
            w.WriteStartArray("history");
            foreach (HistoryEntry h in history ?? Enumerable.Empty<HistoryEntry>())
            {
                WriteHistoryJson(w, h, withApp: false);
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
    }
}
