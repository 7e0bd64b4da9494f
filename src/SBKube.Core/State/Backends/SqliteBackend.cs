using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.IO;
using Microsoft.Data.Sqlite;

namespace SBKube.Core.State.Backends
{
    /// <summary>
    /// The embedded default: one SQLite file in WAL mode. Writes take the write lock up front
    /// (IMMEDIATE) and are followed by a checkpoint, so a plain copy of the file is a full backup
    /// between operations. Times are UTC text so that <c>deployed_at &lt; '2025-01-01'</c> works.
    /// </summary>
    internal sealed class SqliteBackend : IFileBackend
    {
        private readonly string _connectionString;
        private readonly string _readOnlyConnectionString;

        internal SqliteBackend(string? path)
        {
            FilePath = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(path) ? DefaultPath() : path!);
            _connectionString = ConnectionString(FilePath, SqliteOpenMode.ReadWriteCreate);
            // immutable: no -shm is needed (none can be made there); nothing on this host can change the file meanwhile.
            _readOnlyConnectionString = ConnectionString(new Uri(FilePath).AbsoluteUri + "?immutable=1", SqliteOpenMode.ReadOnly);
        }

        public string Name => "sqlite";

        public bool TimeColumnsKeepText => true;

        /// <summary>SQLite's online backup API; the copy uses a rollback journal, so no -wal file belongs to it.</summary>
        public void CopyTo(DbConnection conn, string path)
        {
            using var target = new SqliteConnection(ConnectionString(path, SqliteOpenMode.ReadWrite));
            target.Open();
            ((SqliteConnection)conn).BackupDatabase(target);
            using DbCommand journal = target.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode=DELETE;";
            journal.ExecuteNonQuery();
        }

        private readonly List<string> _warnings = new List<string>();

        public IReadOnlyList<string> Warnings => _warnings;

        private void AddWarning(string? warning)
        {
            if (warning != null)
            {
                _warnings.Add(warning);
            }
        }

        public string FilePath { get; }

        public string Location => FilePath;

        internal static string DefaultPath()
        {
            string? fromEnv = Environment.GetEnvironmentVariable(StateLocation.PathVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv))
            {
                return System.IO.Path.GetFullPath(fromEnv);
            }
            string home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h
                ? h
                : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return System.IO.Path.Combine(home, ".sbkube", "state.db");
        }

        /// <summary>A connection string for this store's file or another (backup target, restore copy).</summary>
        internal static string ConnectionString(string file, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();

        public void Initialize(StateStore store, bool mustExist)
        {
            if (mustExist && !File.Exists(FilePath))
            {
                throw new StateStoreException(StateStoreErrorKind.NotFound, FilePath,
                    $"There is no state database at '{FilePath}' (nothing was deployed with it yet, or the path is mistyped); the first apply creates it.",
                    next: new NextStep(NextStepKind.CheckStatePath));
            }
            CreateFile();
            Run(conn =>
            {
                int found = ReadVersion(conn, null);
                if (found == SqliteMigrations.Latest)
                {
                    RequireCompleteSchema(conn, found);
                    return 0;
                }
                if (found > 0)
                {
                    // An older store must be whole for its own version before anything is migrated.
                    RequireCompleteSchema(conn, found);
                }
                if (mustExist && new FileInfo(FilePath).Length > 0)
                {
                    KeepCopyBeforeMigrating(found);
                }
                StateStore.Execute(conn, "PRAGMA journal_mode=WAL;");
                // A migration may rebuild a table others refer to; keys are checked again when it is done.
                StateStore.Execute(conn, "PRAGMA foreign_keys = OFF;");
                using (DbTransaction tx = BeginWrite(conn))
                {
                    // Read again under the write lock: another process may have migrated meanwhile.
                    int version = ReadVersion(conn, tx);
                    if (version < SqliteMigrations.Latest)
                    {
                        SqliteMigrations.Apply(conn, tx, version);
                        StateStore.Execute(conn, $"PRAGMA user_version = {SqliteMigrations.Latest};", tx);
                    }
                    tx.Commit();
                }
                StateStore.Execute(conn, "PRAGMA foreign_keys = ON;");
                RequireCompleteSchema(conn, SqliteMigrations.Latest);
                AfterWrite(conn);
                return 0;
            });
            if (!mustExist)
            {
                AtomicFile.SweepLeftovers(FilePath);
                // Opened for writing: the file holds unmasked values, so only its owner may read it,
                // also when it existed before with a looser mode.
                AddWarning(UnixPermissions.Tighten(FilePath, Convert.ToInt32("600", 8)));
                string dir = System.IO.Path.GetDirectoryName(FilePath)!;
                if (System.IO.Path.GetFileName(dir) == ".sbkube")
                {
                    AddWarning(UnixPermissions.Tighten(dir, Convert.ToInt32("700", 8)));
                }
            }
        }

        /// <summary>
        /// A read found an older schema (0: the seed's draft): the file is migrated, which older SBKube
        /// versions cannot read afterwards, so the old file is kept beside it as <c>state.db.v{N}.bak</c>.
        /// </summary>
        private void KeepCopyBeforeMigrating(int version)
        {
            string copy = FilePath + ".v" + version.ToString(CultureInfo.InvariantCulture) + ".bak";
            if (!File.Exists(copy))
            {
                Run(conn =>
                {
                    using (var target = new SqliteConnection(ConnectionString(copy, SqliteOpenMode.ReadWriteCreate)))
                    {
                        target.Open();
                        ((SqliteConnection)conn).BackupDatabase(target);
                    }
                    return 0;
                });
                UnixPermissions.Set(copy, Convert.ToInt32("600", 8));
            }
        }

        private void CreateFile()
        {
            string dir = System.IO.Path.GetDirectoryName(FilePath)!;
            try
            {
                if (!Directory.Exists(dir))
                {
                    Directory.CreateDirectory(dir);
                    UnixPermissions.Set(dir, Convert.ToInt32("700", 8));
                }
                if (!File.Exists(FilePath))
                {
                    // Created empty and locked down before SQLite writes anything into it.
                    // Another process (or thread) may create it first: that is not an error.
                    bool created = false;
                    try
                    {
                        // A dangling symbolic link is created through (CreateNew would refuse the link itself).
                        FileMode mode = FileKind.Of(FilePath) == FileKindValue.SymbolicLink ? FileMode.OpenOrCreate : FileMode.CreateNew;
                        using (File.Open(FilePath, mode, FileAccess.ReadWrite)) { }
                        created = true;
                    }
                    catch (IOException) when (File.Exists(FilePath))
                    {
                    }
                    if (created)
                    {
                        UnixPermissions.Set(FilePath, Convert.ToInt32("600", 8));
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new StateStoreException(StateStoreErrorKind.ReadOnly, FilePath,
                    $"Cannot create the state database '{FilePath}': {e.Message}", e);
            }
        }

        private void RequireCompleteSchema(DbConnection conn, int version)
        {
            if (SqliteSchemaCheck.Missing(conn, version) is string missing)
            {
                throw new StateStoreException(StateStoreErrorKind.InvalidSchema, FilePath,
                    $"The state database '{FilePath}' says schema version {version} but lacks {missing}: another tool changed it. " +
                    "The file was left untouched.", next: new NextStep(NextStepKind.RestoreOrMoveRows));
            }
        }

        private int ReadVersion(DbConnection conn, DbTransaction? tx)
        {
            int version = Convert.ToInt32(StateStore.Scalar(conn, "PRAGMA user_version;", tx), CultureInfo.InvariantCulture);
            if (version < 0)
            {
                throw new StateStoreException(StateStoreErrorKind.InvalidSchema, FilePath,
                    $"The state database '{FilePath}' has schema version {version}, which no SBKube writes: another tool changed it. " +
                    "The file was left untouched.");
            }
            if (version > SqliteMigrations.Latest)
            {
                throw new StateStoreException(StateStoreErrorKind.NewerSchema, FilePath,
                    $"The state database '{FilePath}' has schema version {version}, newer than the {SqliteMigrations.Latest} this SBKube supports. " +
                    "Upgrade SBKube; the database was left untouched.");
            }
            return version;
        }

        /// <summary>How long a write waits for another writer (the README's "writes wait up to 30 s").</summary>
        private const int BusyTimeoutMs = 30000;

        public T Run<T>(Func<DbConnection, T> work, bool retry = true)
        {
            try
            {
                if (!_readOnlyFileSystem)
                {
                    try
                    {
                        return RunOn(_connectionString, work);
                    }
                    catch (SqliteException e) when (e.SqliteErrorCode == 14 && File.Exists(FilePath) && !CanWriteBeside())
                    {
                        _readOnlyFileSystem = true;
                    }
                }
                // A store on a read-only file system (a mounted backup, a read-only volume): SQLite cannot make its
                // -shm there, but a read-only connection reads without one; any write then fails as ReadOnly.
                return RunOn(_readOnlyConnectionString, work);
            }
            catch (SqliteException e)
            {
                throw Translate(e);
            }
        }

        private static T RunOn<T>(string connectionString, Func<DbConnection, T> work)
        {
            using var conn = new SqliteConnection(connectionString);
            conn.Open();
            StateStore.Execute(conn, $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA foreign_keys = ON;");
            return work(conn);
        }

        /// <summary>Set once the folder proved unwritable: from then on connections open read-only.</summary>
        private volatile bool _readOnlyFileSystem;

        /// <summary>Whether a file can be made beside the database (root passes permission checks, so only trying tells).</summary>
        private bool CanWriteBeside()
        {
            string probe = FilePath + "-probe-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            try
            {
                using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
                return true;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        /// <summary>Set once SQLite reported corruption: from then on this store writes nothing.</summary>
        private volatile bool _corruptSeen;

        public DbTransaction BeginWrite(DbConnection conn)
        {
            if (_corruptSeen)
            {
                throw new StateStoreException(StateStoreErrorKind.Corrupt, FilePath,
                    $"The state database '{FilePath}' was found corrupt earlier in this command, so nothing more is written to it.",
                    next: new NextStep(NextStepKind.RestoreBackup));
            }
            return ((SqliteConnection)conn).BeginTransaction(deferred: false);
        }

        public IRowReader Query(DbConnection conn, string sql, (string Name, object? Value)[] parameters) =>
            new SqliteStatementRows((SqliteConnection)conn, sql, parameters);

        public DbTransaction BeginRead(DbConnection conn) => ((SqliteConnection)conn).BeginTransaction(deferred: true);

        public void AfterWrite(DbConnection conn) => Checkpoint(conn);

        /// <summary>
        /// A checkpoint that never waits (busy timeout 0 for it alone). Waiting, a TRUNCATE checkpoint holds
        /// the write lock until readers let go, so one read transaction left open in another program made
        /// every writer here wait out the busy timeout and fail after Helm had acted. Now a reader or a
        /// writer elsewhere only makes this checkpoint stop short; the next write completes it.
        /// </summary>
        internal static void Checkpoint(DbConnection conn)
        {
            StateStore.Execute(conn, $"PRAGMA busy_timeout = 0; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA busy_timeout = {BusyTimeoutMs};");
        }

        /// <summary>VACUUM once more than this share of the file is free pages.</summary>
        private const double VacuumFreeShare = 0.25;

        public void BulkDelete(DbConnection conn, DbTransaction tx, string table, Action delete)
        {
            var indexes = new List<(string Name, string Sql)>();
            using (DbCommand cmd = StateStore.Command(conn,
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = @t AND sql IS NOT NULL", tx, ("@t", table)))
            using (DbDataReader r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    indexes.Add((r.GetString(0), r.GetString(1)));
                }
            }
            // A larger page cache for this connection keeps the delete from spilling to the WAL page by page.
            StateStore.Execute(conn, "PRAGMA cache_size = -262144;", tx);
            foreach ((string name, _) in indexes)
            {
                StateStore.Execute(conn, $"DROP INDEX \"{name.Replace("\"", "\"\"")}\"", tx);
            }
            delete();
            foreach ((_, string sql) in indexes)
            {
                StateStore.Execute(conn, sql, tx);
            }
        }

        public void AfterPrune(DbConnection conn)
        {
            long free = Convert.ToInt64(StateStore.Scalar(conn, "PRAGMA freelist_count;"), CultureInfo.InvariantCulture);
            long pages = Convert.ToInt64(StateStore.Scalar(conn, "PRAGMA page_count;"), CultureInfo.InvariantCulture);
            if (pages > 0 && free > pages * VacuumFreeShare)
            {
                StateStore.Execute(conn, "VACUUM;");
                Checkpoint(conn);
            }
        }

        public object Time(DateTime utc) => StateStore.FormatTime(utc);

        public long DatabaseBytes(DbConnection conn)
        {
            long size = 0;
            foreach (string file in new[] { FilePath, FilePath + "-wal" })
            {
                try
                {
                    var info = new FileInfo(file);
                    if (info.Exists)
                    {
                        size += info.Length;
                    }
                }
                catch (IOException)
                {
                    // The WAL can vanish between the check and the read (checkpoint by another process).
                }
            }
            return size;
        }

        /// <summary>Free bytes where the file lives (null when unknown); replaceable so a test can stage a full disk.</summary>
        internal Func<string, long?> FreeSpace { get; set; } = StateStore.FreeSpaceAt;

        /// <summary>Less room than a few SQLite pages take: an I/O error here is the disk being full.</summary>
        private bool IsNearlyFull() => FreeSpace(System.IO.Path.GetDirectoryName(FilePath)!) is long free && free < 1024 * 1024;

        internal Exception Translate(SqliteException e)
        {
            switch (e.SqliteErrorCode)
            {
                case 26: // SQLITE_NOTADB
                    return new StateStoreException(StateStoreErrorKind.NotADatabase, FilePath,
                        $"'{FilePath}' is not an SBKube state database (not an SQLite file). It was left untouched.", e);
                case 8: // SQLITE_READONLY
                case 14: // SQLITE_CANTOPEN
                    return new StateStoreException(StateStoreErrorKind.ReadOnly, FilePath, _readOnlyFileSystem
                        ? $"The state database '{FilePath}' is in a folder that cannot be written (a read-only file system): it can be read, not changed."
                        : $"The state database '{FilePath}' cannot be written: {e.Message}", e);
                case 11: // SQLITE_CORRUPT
                    _corruptSeen = true;
                    return new StateStoreException(StateStoreErrorKind.Corrupt, FilePath,
                        $"The state database '{FilePath}' is corrupt: {e.Message}. Nothing more is written to it.", e,
                        new NextStep(NextStepKind.RestoreBackup));
                case 13: // SQLITE_FULL
                case 10 when IsNearlyFull(): // SQLITE_IOERR: a write into the WAL that found no space says only "disk I/O error"
                    return new StateStoreException(StateStoreErrorKind.DiskFull, FilePath,
                        $"The disk holding '{System.IO.Path.GetDirectoryName(FilePath)}' is full: the state database '{FilePath}' could not be written " +
                        "and the write was rolled back. Free some space there and run the command again.", e);
                default:
                    return new StateStoreException(StateStoreErrorKind.Io, FilePath,
                        $"State database '{FilePath}': {e.Message}", e);
            }
        }
    }
}
