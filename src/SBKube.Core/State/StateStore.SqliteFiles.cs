using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;
using SBKube.Core.State.Backends;

namespace SBKube.Core.State
{
    /// <summary>File-level operations of the SQLite backend: online backup and validated restore.</summary>
    public sealed partial class StateStore
    {
        /// <summary>
        /// Copies the database to <paramref name="destination"/> through SQLite's online backup API: a
        /// consistent snapshot even while another process writes. The copy is 0600 on Unix and complete on
        /// its own (no -wal file); it is written beside the destination and renamed into place.
        /// </summary>
        public FileInfo Backup(string destination, bool overwrite = false)
        {
            if (!(BackendImpl is IFileBackend file))
            {
                throw new StateStoreException(StateStoreErrorKind.NotSupported, Path,
                    $"A backup copies an SQLite file; the state in {Path} is on PostgreSQL.",
                    next: new NextStep(NextStepKind.BackUpPostgres));
            }
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
            FileKind.EnsureReplaceable(dest, "backup");
            if (File.Exists(dest) && !overwrite)
            {
                throw new StateStoreException(StateStoreErrorKind.Io, dest,
                    $"The backup destination '{dest}' already exists.", next: new NextStep(NextStepKind.Overwrite));
            }

            string temp = AtomicFile.TempNameFor(dest);
            try
            {
                // Created empty and locked down before SQLite writes a page into it.
                using (File.Open(temp, FileMode.CreateNew, FileAccess.ReadWrite)) { }
                UnixPermissions.Set(temp, AtomicFile.Private);
                Run(conn =>
                {
                    file.CopyTo(conn, temp);
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
            FileKind.EnsureReadable(src, "restore source");
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
                CopyPrivately(src, temp, dir, keep);
                if (File.Exists(src + "-wal"))
                {
                    // A copy of a live database: its un-checkpointed pages are part of it.
                    FileKind.EnsureReadable(src + "-wal", "restore source's WAL file");
                    CopyPrivately(src + "-wal", temp + "-wal", dir, keep);
                }
                int sourceVersion = ValidateRestoreSource(src, temp, keep);
                // Opening migrates the copy and checks every table and column this SBKube reads.
                StateStore migrated = Open(temp);
                // Numbers the replaced database gave out stay used: a revision number never means two changes.
                migrated.RaiseRevisionCounters(UsedRevisions(target));
                long revisions = migrated.Run(conn =>
                {
                    Execute(conn, "PRAGMA journal_mode=WAL;");
                    SqliteBackend.Checkpoint(conn);
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

        /// <summary>
        /// The highest revision number of each app in the database a restore replaces, read without changing it;
        /// none when it cannot be read (it may be the broken file being replaced, or older than the counters).
        /// </summary>
        private static IReadOnlyList<(string Context, string Namespace, string App, int Revision)> UsedRevisions(string target)
        {
            var used = new List<(string Context, string Namespace, string App, int Revision)>();
            if (!File.Exists(target))
            {
                return used;
            }
            using var conn = new SqliteConnection(SqliteBackend.ConnectionString(target, SqliteOpenMode.ReadOnly));
            foreach (string sql in new[]
            {
                "SELECT context, namespace, app, MAX(revision) FROM deployments GROUP BY context, namespace, app",
                "SELECT context, namespace, app, last_revision FROM revision_counters",
            })
            {
                try
                {
                    if (conn.State != System.Data.ConnectionState.Open)
                    {
                        conn.Open();
                    }
                    using DbCommand cmd = Command(conn, sql, null);
                    using DbDataReader r = cmd.ExecuteReader();
                    while (r.Read())
                    {
                        used.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3)));
                    }
                }
                catch (SqliteException)
                {
                    // Not readable as a current store: what it used cannot be known, and the restore goes on.
                }
            }
            return used;
        }

        /// <summary>
        /// Copies a restore source into a file that is private (0600) before its first byte, once the disk has
        /// room for it: the copy holds every unmasked value of the store.
        /// </summary>
        private static void CopyPrivately(string source, string destination, string dir, string keep)
        {
            long length = new FileInfo(source).Length;
            long? free = FreeSpaceAt(dir);
            if (length > free)
            {
                throw new StateStoreException(StateStoreErrorKind.DiskFull, source,
                    $"The restore source '{source}' is {length} bytes, more than the {free} free beside the state database. {keep}");
            }
            using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var to = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
            UnixPermissions.Set(destination, AtomicFile.Private);
            from.CopyTo(to);
            to.Flush(true);
        }

        /// <summary>Free bytes on the file system that holds <paramref name="dir"/> (its longest mount point); null when unknown.</summary>
        internal static long? FreeSpaceAt(string dir)
        {
            try
            {
                DriveInfo? drive = DriveInfo.GetDrives()
                    .Where(d => d.IsReady && dir.StartsWith(d.RootDirectory.FullName, StringComparison.Ordinal))
                    .OrderByDescending(d => d.RootDirectory.FullName.Length)
                    .FirstOrDefault();
                return drive?.AvailableFreeSpace;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static int ValidateRestoreSource(string src, string copy, string keep)
        {
            string expected = "Expected an SBKube state database or a backup of one.";
            try
            {
                using var conn = new SqliteConnection(SqliteBackend.ConnectionString(copy, SqliteOpenMode.ReadWrite));
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
                    using var conn = new SqliteConnection(SqliteBackend.ConnectionString(target, SqliteOpenMode.ReadWrite));
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
    }
}
