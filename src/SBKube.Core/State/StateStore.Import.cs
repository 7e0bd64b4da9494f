using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Data.Common;
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
        /// <summary>History rows without a revision (attempts, lock takeovers) added, and those already present.</summary>
        public int AttemptsImported { get; set; }
        public int AttemptsSkipped { get; set; }
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
                var rules = new ImportRules();
                int index = 0;
                foreach (JsonNode? node in deployments)
                {
                    if (!(node is JsonObject d))
                    {
                        throw Invalid(sourceName, $"deployments[{index}] is not an object");
                    }
                    ImportOne(conn, tx, d, index++, sourceName, result, touched, rules);
                }
                int attempt = 0;
                foreach (JsonNode? node in doc["attempts"] as JsonArray ?? new JsonArray())
                {
                    if (!(node is JsonObject a))
                    {
                        throw Invalid(sourceName, $"attempts[{attempt}] is not an object");
                    }
                    ImportAttempt(conn, tx, a, attempt++, sourceName, result);
                }
                foreach ((string c, string n, string a) in touched)
                {
                    KeepOneDeployed(conn, tx, c, n, a);
                    Execute(conn,
                        "INSERT INTO revision_counters (context, namespace, app, last_revision) SELECT context, namespace, app, MAX(revision) " +
                        "FROM deployments WHERE context = @c AND namespace = @n AND app = @a GROUP BY context, namespace, app " + KeepHigherCounter,
                        tx, ("@c", c), ("@n", n), ("@a", a));
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
                FileKind.EnsureReadable(full, "import file");
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

        /// <summary>An imported snapshot must be the one its row describes, and its hash the one it has.</summary>
        private static string? SnapshotProblem(string configText, string ns, string? releaseName, string? appType, string? chartRef, string? hash)
        {
            RevisionSnapshot snapshot;
            try
            {
                snapshot = RevisionSnapshot.FromJson(configText);
            }
            catch (Exception e) when (e is FormatException || e is System.Text.Json.JsonException || e is InvalidOperationException)
            {
                return "its config is not a revision snapshot";
            }
            return snapshot.DisagreesWith(ns, releaseName, appType, chartRef)
                ?? (hash != null && snapshot.ComputeHash() != hash ? $"its config_hash {hash} is not the hash of its config" : null);
        }

        private void ImportOne(DbConnection conn, DbTransaction tx, JsonObject d, int index, string? source,
            ImportResult result, HashSet<(string, string, string)> touched, ImportRules rules)
        {
            string context = Text(d["context"]) ?? "";
            string ns = Text(d["namespace"]) ?? throw Invalid(source, $"deployments[{index}] has no namespace");
            string app = Text(d["app"]) ?? throw Invalid(source, $"deployments[{index}] has no app");
            int revision = d["revision"] is JsonValue rv && rv.TryGetValue(out int r) && r > 0
                ? r : throw Invalid(source, $"deployments[{index}] ({ns}/{app}) has no positive revision number");
            string? status = Text(d["status"]);
            string? hash = Text(d["config_hash"]);
            if (rules.Problem(index, context, ns, app, revision, status, Text(d["release_name"]), Text(d["app_type"]),
                Text(d["chart_ref"]), Text(d["chart_version"])) is string problem)
            {
                throw Invalid(source, $"deployments[{index}] cannot be imported: {problem}");
            }

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
            if (configText != null && SnapshotProblem(configText, ns, Text(d["release_name"]), Text(d["app_type"]), Text(d["chart_ref"]), hash) is string wrong)
            {
                throw Invalid(source, $"deployments[{index}] ({ns}/{app} revision {revision}) cannot be imported: {wrong}");
            }
            long id = Convert.ToInt64(Scalar(conn,
                "INSERT INTO deployments (context, namespace, app, revision, release_name, app_type, chart, chart_ref, " +
                "chart_version, status, helm_revision, deployed_at, description, config, config_hash, owner_pid, owner_host, owner_instance) VALUES " +
                "(@c, @n, @a, @r, @rel, @type, @chart, @ref, @ver, @st, @hr, @at, @desc, @cfg, @hash, @pid, @host, @inst) RETURNING id", tx,
                ("@c", context), ("@n", ns), ("@a", app), ("@r", revision),
                ("@rel", Text(d["release_name"])), ("@type", Text(d["app_type"]) ?? StoredAppType.Helm), ("@chart", Text(d["chart"])),
                ("@ref", Text(d["chart_ref"])), ("@ver", Text(d["chart_version"])), ("@st", status),
                ("@hr", Int(d["helm_revision"])), ("@at", StoredTime(d["deployed_at"], "deployed_at", $"deployments[{index}]", source)), ("@desc", Text(d["description"])),
                ("@cfg", configText), ("@hash", hash), ("@pid", Int(d["owner_pid"])), ("@host", Text(d["owner_host"])),
                ("@inst", Text(d["owner_instance"]))), CultureInfo.InvariantCulture);
            if (d["history"] is JsonArray history)
            {
                foreach (JsonNode? h in history)
                {
                    if (h is JsonObject entry)
                    {
                        InsertHistory(conn, tx, StoredTime(entry["timestamp"], "history timestamp", $"deployments[{index}]", source), HistoryFromJson(entry, id));
                    }
                }
            }
            result.Imported++;
            touched.Add((context, ns, app));
        }

        /// <summary>An attempt (a history row without a revision) unless the database has the same one already.</summary>
        private void ImportAttempt(DbConnection conn, DbTransaction tx, JsonObject a, int index, string? source, ImportResult result)
        {
            HistoryEntry h = HistoryFromJson(a, null);
            object? at = StoredTime(a["timestamp"], "timestamp", $"attempts[{index}]", source);
            long same = Convert.ToInt64(Scalar(conn,
                "SELECT COUNT(*) FROM deployment_history WHERE deployment_id IS NULL AND action = @a AND timestamp = @t " +
                "AND COALESCE(namespace, '') = @n AND COALESCE(app, '') = @app AND COALESCE(description, '') = @desc", tx,
                ("@a", h.Action), ("@t", at), ("@n", h.Namespace ?? ""), ("@app", h.App ?? ""), ("@desc", h.Description ?? "")),
                CultureInfo.InvariantCulture);
            if (same > 0)
            {
                result.AttemptsSkipped++;
                return;
            }
            InsertHistory(conn, tx, at, h);
            result.AttemptsImported++;
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
        private object? StoredTime(JsonNode? node, string field, string where, string? source)
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
            return BackendImpl.TimeColumnsKeepText
                ? text
                : throw Invalid(source, $"{where} has a {field} '{text}' that is not a time");
        }

        private static SbkubeException Invalid(string? source, string why) =>
            new SbkubeException(
                $"{(source == null ? "The import document" : $"'{source}'")} is not an SBKube state export: {why}. " +
                $"Expected an SBKube state export ({{ \"format\": \"{ExportFormat}\", \"deployments\": [...] }}). " +
                "Nothing was imported.",
                ErrorIds.ImportInvalidDocument, ErrorKind.InvalidData, source);
    }
}
