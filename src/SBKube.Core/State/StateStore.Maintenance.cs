using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Data.Sqlite;

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
        /// <summary>VACUUM once more than this share of the file is free pages.</summary>
        private const double VacuumFreeShare = 0.25;

        /// <summary>
        /// Removes old revisions and their history rows in one transaction. Never removed: the deployed
        /// revision of an app, the newest revision of an app (it carries the current status and the
        /// revision counter), the newest <see cref="PruneRequest.KeepLast"/> revisions, and pending rows
        /// (evidence of an unfinished operation). Returns the removed (or, with WhatIf, removable) rows.
        /// </summary>
        public IReadOnlyList<DeploymentRecord> Prune(PruneRequest request)
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

            var p = new List<(string, object?)>();
            string candidates = PruneCandidates(request, p);
            if (request.WhatIf)
            {
                return Run(conn => (IReadOnlyList<DeploymentRecord>)ReadRecords(conn,
                    $"WHERE id IN ({candidates}) ORDER BY namespace, app, context, revision", null, p.ToArray()));
            }

            List<DeploymentRecord> removed = Write((conn, tx) =>
            {
                // Fixed once, so the rows reported are exactly the rows deleted.
                Execute(conn, "CREATE TEMP TABLE IF NOT EXISTS prune_ids (id INTEGER PRIMARY KEY)", tx);
                Execute(conn, "DELETE FROM temp.prune_ids", tx);
                Execute(conn, $"INSERT INTO temp.prune_ids (id) {candidates}", tx, p.ToArray());
                List<DeploymentRecord> rows = ReadRecords(conn,
                    "WHERE id IN (SELECT id FROM temp.prune_ids) ORDER BY namespace, app, context, revision", tx);
                // Explicit, not only ON DELETE CASCADE: a DB touched by tools without foreign keys may lack it.
                Execute(conn, "DELETE FROM deployment_history WHERE deployment_id IN (SELECT id FROM temp.prune_ids)", tx);
                Execute(conn, "DELETE FROM deployments WHERE id IN (SELECT id FROM temp.prune_ids)", tx);
                Execute(conn, "DROP TABLE temp.prune_ids", tx);
                return rows;
            });
            if (removed.Count > 0)
            {
                VacuumIfWorthwhile();
            }
            return removed;
        }

        /// <summary>A SELECT of the ids a prune may remove (one pass, window function over the app's revisions).</summary>
        private static string PruneCandidates(PruneRequest request, List<(string, object?)> p)
        {
            string where = Where(p, ("namespace", request.Namespace), ("app", request.App), ("context", request.Context));
            var conditions = new List<string>
            {
                "rn > $keep",
                "COALESCE(status, '') NOT IN ($deployed, $uninstalling)",
                "COALESCE(status, '') NOT LIKE 'pending-%'",
            };
            // The newest revision is always kept, so KeepLast is at least 1.
            p.Add(("$keep", Math.Max(1, request.KeepLast ?? 1)));
            p.Add(("$deployed", DeploymentStatus.Deployed));
            p.Add(("$uninstalling", DeploymentStatus.Uninstalling));
            if (request.OlderThanUtc.HasValue)
            {
                conditions.Add("deployed_at < $cutoff");
                p.Add(("$cutoff", FormatTime(request.OlderThanUtc.Value)));
            }
            return "SELECT id FROM (SELECT id, status, deployed_at, ROW_NUMBER() OVER " +
                "(PARTITION BY context, namespace, app ORDER BY revision DESC) AS rn FROM deployments " + where + ") WHERE " +
                string.Join(" AND ", conditions);
        }

        /// <summary>Gives free pages back to the file system when they are a significant share of it.</summary>
        private void VacuumIfWorthwhile() => Run(conn =>
        {
            long free = Convert.ToInt64(Scalar(conn, "PRAGMA freelist_count;"), CultureInfo.InvariantCulture);
            long pages = Convert.ToInt64(Scalar(conn, "PRAGMA page_count;"), CultureInfo.InvariantCulture);
            if (pages > 0 && free > pages * VacuumFreeShare)
            {
                Execute(conn, "VACUUM;");
                Checkpoint(conn);
            }
            return 0;
        });

        /// <summary>
        /// Copies the database to <paramref name="destination"/> through SQLite's online backup API: a
        /// consistent snapshot even while another process writes. The copy is 0600 on Unix and complete on
        /// its own (no -wal file); it is written beside the destination and renamed into place.
        /// </summary>
        public FileInfo Backup(string destination, bool overwrite = false)
        {
            string dest = System.IO.Path.GetFullPath(destination);
            if (string.Equals(dest, Path, StringComparison.Ordinal))
            {
                throw new StateStoreException(StateStoreErrorKind.Io, dest,
                    $"Cannot back up the state database '{Path}' onto itself; choose another destination.");
            }
            string dir = System.IO.Path.GetDirectoryName(dest)!;
            if (!Directory.Exists(dir))
            {
                throw new StateStoreException(StateStoreErrorKind.NotFound, dest,
                    $"Cannot write the backup '{dest}': the folder '{dir}' does not exist.");
            }
            if (File.Exists(dest) && !overwrite)
            {
                throw new StateStoreException(StateStoreErrorKind.Io, dest,
                    $"The backup destination '{dest}' already exists; use -Force to overwrite it.");
            }

            string temp = AtomicFile.TempNameFor(dest);
            try
            {
                // Created empty and locked down before SQLite writes a page into it.
                using (File.Open(temp, FileMode.CreateNew, FileAccess.ReadWrite)) { }
                UnixPermissions.Set(temp, AtomicFile.Private);
                Run(conn =>
                {
                    using (var target = new SqliteConnection(PrivateConnectionString(temp, SqliteOpenMode.ReadWrite)))
                    {
                        target.Open();
                        conn.BackupDatabase(target);
                        // Self-contained copy: rollback journal mode leaves no -wal beside the backup.
                        Execute(target, "PRAGMA journal_mode=DELETE;");
                    }
                    return 0;
                });
                AtomicFile.TryDelete(temp + "-journal");
                AtomicFile.Replace(temp, dest);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                AtomicFile.TryDelete(temp);
                throw new StateStoreException(StateStoreErrorKind.Io, dest, $"Cannot write the backup '{dest}': {e.Message}", e);
            }
            catch
            {
                AtomicFile.TryDelete(temp);
                throw;
            }
            return new FileInfo(dest);
        }

        /// <summary>
        /// Replaces the state database at <paramref name="statePath"/> (default: <see cref="DefaultPath"/>)
        /// with <paramref name="source"/>. The source is validated first (an SQLite file that passes
        /// <c>integrity_check</c>, has a deployments table, and a schema version this SBKube knows) and
        /// migrated forward on a private copy, so a bad file leaves the current database untouched. The
        /// replaced database is kept as <c>state.db.bak</c> beside it. Run it while no other SBKube
        /// operation uses the database.
        /// </summary>
        public static RestoreResult Restore(string source, string? statePath = null)
        {
            string src = System.IO.Path.GetFullPath(source);
            string target = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(statePath) ? DefaultPath() : statePath!);
            string keep = $"The current state database '{target}' was left unchanged.";
            if (!File.Exists(src))
            {
                throw new StateStoreException(StateStoreErrorKind.NotFound, src,
                    $"The restore source '{src}' does not exist. {keep}");
            }
            if (string.Equals(src, target, StringComparison.Ordinal))
            {
                throw new StateStoreException(StateStoreErrorKind.Io, src,
                    $"The restore source '{src}' is the state database itself; restore from a backup file.");
            }
            string dir = System.IO.Path.GetDirectoryName(target)!;
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir);
                UnixPermissions.Set(dir, Convert.ToInt32("700", 8));
            }

            // Validated and migrated as a private copy beside the target, so the final step is a rename.
            string temp = AtomicFile.TempNameFor(target);
            try
            {
                File.Copy(src, temp);
                UnixPermissions.Set(temp, AtomicFile.Private);
                if (File.Exists(src + "-wal"))
                {
                    // A copy of a live database: its un-checkpointed pages are part of it.
                    File.Copy(src + "-wal", temp + "-wal");
                    UnixPermissions.Set(temp + "-wal", AtomicFile.Private);
                }
                int sourceVersion = ValidateRestoreSource(src, temp, keep);
                StateStore migrated = Open(temp);
                long revisions = migrated.Run(conn =>
                {
                    // Proves this SBKube can read every column it needs after the migration.
                    RequireColumns(conn, src, keep);
                    Execute(conn, "PRAGMA journal_mode=WAL;");
                    Checkpoint(conn);
                    return Convert.ToInt64(Scalar(conn, "SELECT COUNT(*) FROM deployments"), CultureInfo.InvariantCulture);
                });
                SqliteConnection.ClearAllPools();
                AtomicFile.TryDelete(temp + "-wal");
                AtomicFile.TryDelete(temp + "-shm");

                string? bak = SwapIn(temp, target);
                return new RestoreResult
                {
                    Path = target,
                    Source = src,
                    BackupPath = bak,
                    SourceSchemaVersion = sourceVersion,
                    SchemaVersion = SchemaVersion,
                    Revisions = revisions,
                };
            }
            catch (StateStoreException e) when (e.Path == temp)
            {
                // Errors from the private copy must name the file the user gave.
                throw new StateStoreException(e.Kind, src, e.Message.Replace(temp, src) + " " + keep, e);
            }
            catch (SqliteException e)
            {
                throw new StateStoreException(StateStoreErrorKind.Io, src,
                    $"Cannot restore from '{src}': {e.Message}. {keep}", e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new StateStoreException(StateStoreErrorKind.Io, src,
                    $"Cannot restore from '{src}': {e.Message}. {keep}", e);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                AtomicFile.TryDelete(temp);
                AtomicFile.TryDelete(temp + "-wal");
                AtomicFile.TryDelete(temp + "-shm");
                AtomicFile.TryDelete(temp + "-journal");
            }
        }

        /// <summary>Checks the private copy; returns its schema version. Messages name the user's file.</summary>
        private static int ValidateRestoreSource(string src, string copy, string keep)
        {
            string expected = "Expected an SBKube state database (for example one written by Backup-SbkubeState).";
            try
            {
                using var conn = new SqliteConnection(PrivateConnectionString(copy, SqliteOpenMode.ReadWrite));
                conn.Open();
                string check = Convert.ToString(Scalar(conn, "PRAGMA integrity_check;"), CultureInfo.InvariantCulture) ?? "";
                if (!string.Equals(check, "ok", StringComparison.OrdinalIgnoreCase))
                {
                    throw new StateStoreException(StateStoreErrorKind.Corrupt, src,
                        $"'{src}' failed SQLite's integrity check ({check}). {expected} {keep}");
                }
                int version = Convert.ToInt32(Scalar(conn, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
                if (version > SchemaVersion)
                {
                    throw new StateStoreException(StateStoreErrorKind.NewerSchema, src,
                        $"'{src}' has schema version {version}, newer than the {SchemaVersion} this SBKube supports. " +
                        $"Upgrade SBKube to restore it. {keep}");
                }
                object? table = Scalar(conn, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'deployments'");
                if (table == null)
                {
                    throw new StateStoreException(StateStoreErrorKind.NotADatabase, src,
                        $"'{src}' is an SQLite database but has no 'deployments' table. {expected} {keep}");
                }
                return version;
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 26 || e.SqliteErrorCode == 11)
            {
                // 26 SQLITE_NOTADB, 11 SQLITE_CORRUPT: not something SQLite can read.
                throw new StateStoreException(
                    e.SqliteErrorCode == 26 ? StateStoreErrorKind.NotADatabase : StateStoreErrorKind.Corrupt, src,
                    $"'{src}' is not a readable SQLite database ({e.Message}). {expected} {keep}", e);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
            }
        }

        /// <summary>A deployments table from another tool (or the seed's draft schema) lacks columns SBKube reads.</summary>
        private static void RequireColumns(SqliteConnection conn, string src, string keep)
        {
            var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using (SqliteCommand cmd = Command(conn, "PRAGMA table_info(deployments)", null))
            using (SqliteDataReader r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    present.Add(r.GetString(1));
                }
            }
            var missing = new List<string>();
            foreach (string column in Columns.Split(','))
            {
                if (!present.Contains(column.Trim()))
                {
                    missing.Add(column.Trim());
                }
            }
            if (missing.Count > 0)
            {
                throw new StateStoreException(StateStoreErrorKind.NotADatabase, src,
                    $"'{src}' has a deployments table without the columns SBKube needs (missing: {string.Join(", ", missing)}). " +
                    $"Expected an SBKube state database (for example one written by Backup-SbkubeState). {keep}");
            }
        }

        /// <summary>
        /// Puts the validated copy in place, moving the old database (with any WAL it still has) to
        /// <c>.bak</c> and dropping its stale -shm. Returns the .bak path, or null when there was no database.
        /// </summary>
        private static string? SwapIn(string temp, string target)
        {
            string bak = target + ".bak";
            // Best effort: fold the old WAL into the file first, so the .bak is complete on its own.
            if (File.Exists(target))
            {
                try
                {
                    using var conn = new SqliteConnection(PrivateConnectionString(target, SqliteOpenMode.ReadWrite));
                    conn.Open();
                    Execute(conn, "PRAGMA busy_timeout = 5000; PRAGMA wal_checkpoint(TRUNCATE);");
                }
                catch (SqliteException)
                {
                    // The old file may be the broken one being replaced; it is kept as it is.
                }
                finally
                {
                    SqliteConnection.ClearAllPools();
                }
            }

            foreach (string old in new[] { bak, bak + "-wal", bak + "-shm", bak + "-journal" })
            {
                if (File.Exists(old))
                {
                    File.Delete(old);
                }
            }
            string? kept = null;
            if (File.Exists(target))
            {
                File.Move(target, bak);
                kept = bak;
                MoveIfPresent(target + "-wal", bak + "-wal", keepEmpty: false);
                MoveIfPresent(target + "-journal", bak + "-journal", keepEmpty: false);
            }
            // The old -shm describes a WAL that is gone; a new one is built on first open.
            if (File.Exists(target + "-shm"))
            {
                File.Delete(target + "-shm");
            }
            try
            {
                File.Move(temp, target);
            }
            catch when (kept != null)
            {
                File.Move(bak, target);
                MoveIfPresent(bak + "-wal", target + "-wal", keepEmpty: false);
                MoveIfPresent(bak + "-journal", target + "-journal", keepEmpty: false);
                throw;
            }
            UnixPermissions.Set(target, AtomicFile.Private);
            return kept;
        }

        private static void MoveIfPresent(string from, string to, bool keepEmpty)
        {
            if (!File.Exists(from))
            {
                return;
            }
            if (!keepEmpty && new FileInfo(from).Length == 0)
            {
                File.Delete(from);
                return;
            }
            File.Move(from, to);
        }

        /// <summary>A connection string for a file other than the store (backup target, restore copy).</summary>
        private static string PrivateConnectionString(string file, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
    }
}
