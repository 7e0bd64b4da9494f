using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Microsoft.Data.Sqlite;

namespace SBKube.Core.State
{
    /// <summary>
    /// The SQLite state database. Every write is one IMMEDIATE transaction followed by a WAL
    /// checkpoint, so a plain copy of the file is a full backup between operations.
    /// Connections are opened per operation: cmdlets run in parallel threads and other processes.
    /// </summary>
    public sealed partial class StateStore
    {
        /// <summary>One past the last migration step: adding a step is all a schema change needs.</summary>
        public static int SchemaVersion => Migrations.Latest;
        internal const string TimeFormat = "yyyy-MM-dd HH:mm:ss.fff";
        private const string Columns =
            "id, context, namespace, app, revision, release_name, app_type, chart, chart_ref, chart_version, status, " +
            "helm_revision, deployed_at, description, config, config_hash, owner_pid, owner_host";

        private readonly string _connectionString;
        private readonly Func<DateTime> _clock;

        private StateStore(string path, Func<DateTime> clock)
        {
            Path = path;
            _clock = clock;
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString();
        }

        public string Path { get; }

        /// <summary><c>$env:SBKUBE_STATE_DB</c>, else <c>~/.sbkube/state.db</c>.</summary>
        public static string DefaultPath()
        {
            string? fromEnv = Environment.GetEnvironmentVariable("SBKUBE_STATE_DB");
            if (!string.IsNullOrWhiteSpace(fromEnv))
            {
                return System.IO.Path.GetFullPath(fromEnv);
            }
            string home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h
                ? h
                : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return System.IO.Path.Combine(home, ".sbkube", "state.db");
        }

        /// <summary>Opens (creating if needed) and migrates the database at <paramref name="path"/>.</summary>
        public static StateStore Open(string? path = null, Func<DateTime>? clock = null)
        {
            string full = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(path) ? DefaultPath() : path!);
            var store = new StateStore(full, clock ?? (() => DateTime.UtcNow));
            store.Initialize();
            return store;
        }

        private void Initialize()
        {
            string dir = System.IO.Path.GetDirectoryName(Path)!;
            try
            {
                if (!Directory.Exists(dir))
                {
                    Directory.CreateDirectory(dir);
                    UnixPermissions.Set(dir, Convert.ToInt32("700", 8));
                }
                if (!File.Exists(Path))
                {
                    // Created empty and locked down before SQLite writes anything into it.
                    // Another process (or thread) may create it first: that is not an error.
                    bool created = false;
                    try
                    {
                        using (File.Open(Path, FileMode.CreateNew, FileAccess.ReadWrite)) { }
                        created = true;
                    }
                    catch (IOException) when (File.Exists(Path))
                    {
                    }
                    if (created)
                    {
                        UnixPermissions.Set(Path, Convert.ToInt32("600", 8));
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new StateStoreException(StateStoreErrorKind.ReadOnly, Path,
                    $"Cannot create the state database '{Path}': {e.Message}", e);
            }

            Run(conn =>
            {
                if (ReadVersion(conn, null) == SchemaVersion)
                {
                    return 0;
                }
                Execute(conn, "PRAGMA journal_mode=WAL;");
                using (SqliteTransaction tx = conn.BeginTransaction(deferred: false))
                {
                    // Read again under the write lock: another process may have migrated meanwhile.
                    int version = ReadVersion(conn, tx);
                    if (version < SchemaVersion)
                    {
                        Migrations.Apply(conn, tx, version);
                        Execute(conn, $"PRAGMA user_version = {SchemaVersion};", tx);
                    }
                    tx.Commit();
                }
                Checkpoint(conn);
                return 0;
            });
        }

        private int ReadVersion(SqliteConnection conn, SqliteTransaction? tx)
        {
            int version = Convert.ToInt32(Scalar(conn, "PRAGMA user_version;", tx), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new StateStoreException(StateStoreErrorKind.NewerSchema, Path,
                    $"The state database '{Path}' has schema version {version}, newer than the {SchemaVersion} this SBKube supports. " +
                    "Upgrade SBKube; the database was left untouched.");
            }
            return version;
        }

        internal T Run<T>(Func<SqliteConnection, T> work)
        {
            try
            {
                using var conn = new SqliteConnection(_connectionString);
                conn.Open();
                Execute(conn, "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;");
                return work(conn);
            }
            catch (SqliteException e)
            {
                throw Translate(e);
            }
        }

        /// <summary>One write: IMMEDIATE transaction (takes the write lock up front), then checkpoint.</summary>
        internal T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work) => Run(conn =>
        {
            T result;
            using (SqliteTransaction tx = conn.BeginTransaction(deferred: false))
            {
                result = work(conn, tx);
                tx.Commit();
            }
            Checkpoint(conn);
            return result;
        });

        private static void Checkpoint(SqliteConnection conn)
        {
            // Best effort: a concurrent reader may keep part of the WAL; the next write finishes it.
            Execute(conn, "PRAGMA wal_checkpoint(TRUNCATE);");
        }

        private Exception Translate(SqliteException e)
        {
            switch (e.SqliteErrorCode)
            {
                case 26: // SQLITE_NOTADB
                    return new StateStoreException(StateStoreErrorKind.NotADatabase, Path,
                        $"'{Path}' is not an SBKube state database (not an SQLite file). It was left untouched.", e);
                case 8: // SQLITE_READONLY
                case 14: // SQLITE_CANTOPEN
                    return new StateStoreException(StateStoreErrorKind.ReadOnly, Path,
                        $"The state database '{Path}' cannot be written: {e.Message}", e);
                case 11: // SQLITE_CORRUPT
                    return new StateStoreException(StateStoreErrorKind.Corrupt, Path,
                        $"The state database '{Path}' is corrupt: {e.Message}", e);
                default:
                    return new StateStoreException(StateStoreErrorKind.Io, Path,
                        $"State database '{Path}': {e.Message}", e);
            }
        }

        internal static void Execute(SqliteConnection conn, string sql, SqliteTransaction? tx = null,
            params (string Name, object? Value)[] parameters)
        {
            using SqliteCommand cmd = Command(conn, sql, tx, parameters);
            cmd.ExecuteNonQuery();
        }

        internal static object? Scalar(SqliteConnection conn, string sql, SqliteTransaction? tx = null,
            params (string Name, object? Value)[] parameters)
        {
            using SqliteCommand cmd = Command(conn, sql, tx, parameters);
            object? value = cmd.ExecuteScalar();
            return value is DBNull ? null : value;
        }

        internal static SqliteCommand Command(SqliteConnection conn, string sql, SqliteTransaction? tx,
            params (string Name, object? Value)[] parameters)
        {
            SqliteCommand cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            cmd.Transaction = tx;
            foreach ((string name, object? value) in parameters)
            {
                cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            return cmd;
        }

        internal string Now() => FormatTime(_clock());

        internal static string FormatTime(DateTime utc) =>
            utc.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

        /// <summary>Reads our own format, the seed's CURRENT_TIMESTAMP form, and ISO text written by hand.</summary>
        internal static DateTime ParseTime(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return DateTime.MinValue;
            }
            return DateTime.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime t)
                ? DateTime.SpecifyKind(t, DateTimeKind.Utc)
                : DateTime.MinValue;
        }

        private static DeploymentRecord ReadRecord(SqliteDataReader r) => new DeploymentRecord
        {
            Id = r.GetInt64(0),
            Context = r.IsDBNull(1) ? "" : r.GetString(1),
            Namespace = r.GetString(2),
            App = r.GetString(3),
            Revision = r.GetInt32(4),
            ReleaseName = r.IsDBNull(5) ? r.GetString(3) : r.GetString(5),
            AppType = r.IsDBNull(6) ? "helm" : r.GetString(6),
            Chart = r.IsDBNull(7) ? null : r.GetString(7),
            ChartRef = r.IsDBNull(8) ? null : r.GetString(8),
            ChartVersion = r.IsDBNull(9) ? null : r.GetString(9),
            Status = r.IsDBNull(10) ? "" : r.GetString(10),
            HelmRevision = r.IsDBNull(11) ? (int?)null : r.GetInt32(11),
            DeployedAt = ParseTime(r.IsDBNull(12) ? null : r.GetValue(12).ToString()),
            Description = r.IsDBNull(13) ? null : r.GetString(13),
            Config = r.IsDBNull(14) ? null : r.GetString(14),
            ConfigHash = r.IsDBNull(15) ? null : r.GetString(15),
            OwnerPid = r.IsDBNull(16) ? (int?)null : r.GetInt32(16),
            OwnerHost = r.IsDBNull(17) ? null : r.GetString(17),
        };

        internal static List<DeploymentRecord> ReadRecords(SqliteConnection conn, string whereAndOrder,
            SqliteTransaction? tx, params (string Name, object? Value)[] parameters)
        {
            var list = new List<DeploymentRecord>();
            using SqliteCommand cmd = Command(conn, $"SELECT {Columns} FROM deployments {whereAndOrder}", tx, parameters);
            using SqliteDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(ReadRecord(r));
            }
            return list;
        }

        /// <summary>Builds "col = $p AND ..." for the filters that are set.</summary>
        internal static string Where(List<(string, object?)> parameters, params (string Column, object? Value)[] filters)
        {
            var sb = new StringBuilder();
            foreach ((string column, object? value) in filters)
            {
                if (value == null)
                {
                    continue;
                }
                string name = "$" + column;
                sb.Append(sb.Length == 0 ? "WHERE " : " AND ").Append(column).Append(" = ").Append(name);
                parameters.Add((name, value));
            }
            return sb.ToString();
        }
    }
}
