using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Text;
using SBKube.Core.State.Backends;

namespace SBKube.Core.State
{
    /// <summary>
    /// The state store: the same SQL over SQLite (a file, the embedded default) or PostgreSQL (team
    /// state). Every write is one transaction that excludes other writers of the same store (SQLite's
    /// write lock, or a PostgreSQL advisory lock on the schema), so revision numbering, "one deployed
    /// revision" and lock takeover are decided by one writer at a time on every host.
    /// Connections are opened per operation: cmdlets run in parallel threads and other processes.
    /// </summary>
    public sealed partial class StateStore : IStateStore
    {
        internal const string TimeFormat = "yyyy-MM-dd HH:mm:ss.fff";
        private const string Columns =
            "id, context, namespace, app, revision, release_name, app_type, chart, chart_ref, chart_version, status, " +
            "helm_revision, deployed_at, description, config, config_hash, owner_pid, owner_host, owner_instance";

        private readonly IStateBackend _backend;
        private readonly Func<DateTime> _clock;

        private StateStore(IStateBackend backend, Func<DateTime> clock)
        {
            _backend = backend;
            _clock = clock;
        }

        /// <summary>The schema version this SBKube writes for SQLite databases (one past the last migration step).</summary>
        public static int SchemaVersion => SqliteMigrations.Latest;

        /// <summary>The SQLite file, or the PostgreSQL server, database and schema (never a password).</summary>
        public string Path => _backend.Location;

        public IReadOnlyList<string> OpenWarnings => _backend.Warnings;

        /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
        public string Backend => _backend.Name;

        /// <summary><c>$env:SBKUBE_STATE_DB</c>, else <c>~/.sbkube/state.db</c>.</summary>
        public static string DefaultPath() => SqliteBackend.DefaultPath();

        /// <summary>Opens (creating if needed) and migrates the SQLite database at <paramref name="path"/>.</summary>
        public static StateStore Open(string? path = null, Func<DateTime>? clock = null) =>
            Open(new SqliteBackend(path), clock);

        /// <summary>
        /// Opens and migrates a PostgreSQL store: a <c>postgres://</c> URI or an Npgsql <c>key=value</c>
        /// string (with an optional <c>schema</c>); the PG* environment variables fill the gaps.
        /// </summary>
        public static StateStore OpenPostgres(string connection, Func<DateTime>? clock = null) =>
            Open(new PostgresBackend(PostgresConnection.Parse(connection)), clock);

        /// <summary>A store for what the user named: a connection (PostgreSQL) or a path (SQLite), else the defaults.</summary>
        public static StateStore Open(StateLocation location, Func<DateTime>? clock = null) =>
            Open(BackendFor(location), clock, mustExist: false);

        /// <summary>
        /// For reads: like <see cref="Open(StateLocation, Func{DateTime}?)"/>, but a store that does not
        /// exist is a NotFound error (nothing is created), and an older SQLite file is kept as a copy
        /// before it is migrated.
        /// </summary>
        public static StateStore OpenExisting(StateLocation location, Func<DateTime>? clock = null) =>
            Open(BackendFor(location), clock, mustExist: true);

        private static IStateBackend BackendFor(StateLocation location) => location.Connection != null
            ? new PostgresBackend(PostgresConnection.Parse(location.Connection))
            : new SqliteBackend(location.Path);

        private static StateStore Open(IStateBackend backend, Func<DateTime>? clock, bool mustExist = false)
        {
            var store = new StateStore(backend, clock ?? (() => DateTime.UtcNow));
            backend.Initialize(store, mustExist);
            return store;
        }

        internal IStateBackend BackendImpl => _backend;

        internal T Run<T>(Func<DbConnection, T> work) => _backend.Run(work);

        /// <summary>As <see cref="Run{T}"/>, but never started again after a lost connection.</summary>
        internal T RunOnce<T>(Func<DbConnection, T> work) => _backend.Run(work, retry: false);

        /// <summary>One write: a transaction that holds the store's write lock from its start.</summary>
        internal T Write<T>(Func<DbConnection, DbTransaction, T> work) => _backend.Run(conn =>
        {
            T result;
            using (DbTransaction tx = _backend.BeginWrite(conn))
            {
                result = work(conn, tx);
                tx.Commit();
            }
            _backend.AfterWrite(conn);
            return result;
        });

        /// <summary>Several reads from one snapshot.</summary>
        internal T Read<T>(Func<DbConnection, DbTransaction, T> work) => _backend.Run(conn =>
        {
            using DbTransaction tx = _backend.BeginRead(conn);
            T result = work(conn, tx);
            tx.Commit();
            return result;
        });

        internal static void Execute(DbConnection conn, string sql, DbTransaction? tx = null,
            params (string Name, object? Value)[] parameters)
        {
            using DbCommand cmd = Command(conn, sql, tx, parameters);
            cmd.ExecuteNonQuery();
        }

        internal static object? Scalar(DbConnection conn, string sql, DbTransaction? tx = null,
            params (string Name, object? Value)[] parameters)
        {
            using DbCommand cmd = Command(conn, sql, tx, parameters);
            object? value = cmd.ExecuteScalar();
            return value is DBNull ? null : value;
        }

        /// <summary>Parameters are named <c>@name</c>, which both SQLite and Npgsql understand.</summary>
        internal static DbCommand Command(DbConnection conn, string sql, DbTransaction? tx,
            params (string Name, object? Value)[] parameters)
        {
            DbCommand cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            cmd.Transaction = tx;
            foreach ((string name, object? value) in parameters)
            {
                DbParameter p = cmd.CreateParameter();
                p.ParameterName = name;
                p.Value = value ?? DBNull.Value;
                cmd.Parameters.Add(p);
            }
            return cmd;
        }

        /// <summary>The current time as the backend stores it (text for SQLite, timestamptz for PostgreSQL).</summary>
        internal object Now() => _backend.Time(_clock());

        internal object Time(DateTime utc) => _backend.Time(utc);

        internal static string FormatTime(DateTime utc) =>
            utc.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

        /// <summary>Reads our own format, the seed's CURRENT_TIMESTAMP form, and ISO text written by hand.</summary>
        internal static DateTime ParseTime(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return DateTime.MinValue;
            }
            if (TryParseOwnTime(text!, out DateTime own))
            {
                return own;
            }
            return DateTime.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime t)
                ? DateTime.SpecifyKind(t, DateTimeKind.Utc)
                : DateTime.MinValue;
        }

        /// <summary>
        /// "yyyy-MM-dd HH:mm:ss" with or without ".fff", as SBKube and SQLite's CURRENT_TIMESTAMP write it, read digit
        /// by digit: a listing reads one per revision, and the general parser costs a million of them a quarter second.
        /// False for any other text, which the general parser then reads.
        /// </summary>
        private static bool TryParseOwnTime(string t, out DateTime utc)
        {
            utc = default;
            if ((t.Length != 19 && t.Length != 23) || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' || t[16] != ':'
                || (t.Length == 23 && t[19] != '.'))
            {
                return false;
            }
            int year = Digits(t, 0, 4), month = Digits(t, 5, 2), day = Digits(t, 8, 2);
            int hour = Digits(t, 11, 2), minute = Digits(t, 14, 2), second = Digits(t, 17, 2);
            int millisecond = t.Length == 23 ? Digits(t, 20, 3) : 0;
            if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
                || (hour | minute | second | millisecond) < 0 || hour > 23 || minute > 59 || second > 59)
            {
                return false;
            }
            utc = new DateTime(year, month, day, hour, minute, second, millisecond, DateTimeKind.Utc);
            return true;
        }

        /// <summary>The number <paramref name="count"/> ASCII digits at <paramref name="start"/> spell; -1 for anything else.</summary>
        private static int Digits(string t, int start, int count)
        {
            int value = 0;
            for (int i = start; i < start + count; i++)
            {
                int d = t[i] - '0';
                if (d < 0 || d > 9)
                {
                    return -1;
                }
                value = value * 10 + d;
            }
            return value;
        }

        /// <summary>A time column: text in SQLite, a timestamp in PostgreSQL; MinValue when empty or unreadable.</summary>
        internal static DateTime ReadTime(DbDataReader r, int i) => TimeValue(r.GetValue(i));

        private static DateTime TimeValue(object? value)
        {
            if (value == null || value is DBNull)
            {
                return DateTime.MinValue;
            }
            return value is DateTime t
                ? DateTime.SpecifyKind(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t, DateTimeKind.Utc)
                : ParseTime(Convert.ToString(value, CultureInfo.InvariantCulture));
        }

        // Columns declared NOT NULL are read without asking whether they are.
        private static DeploymentRecord ReadRecord(IRowReader r) => new DeploymentRecord
        {
            Id = r.Int64(0),
            Context = r.Text(1),
            Namespace = r.Text(2),
            App = r.Text(3),
            Revision = checked((int)r.Int64(4)),
            ReleaseName = r.TextOrNull(5) ?? r.Text(3),
            AppType = r.Text(6),
            Chart = r.TextOrNull(7),
            ChartRef = r.TextOrNull(8),
            ChartVersion = r.TextOrNull(9),
            Status = r.TextOrNull(10) ?? "",
            HelmRevision = r.Int32OrNull(11),
            DeployedAtUtc = TimeValue(r.Value(12)),
            Description = r.TextOrNull(13),
            Config = r.TextOrNull(14),
            ConfigHash = r.TextOrNull(15),
            OwnerPid = r.Int32OrNull(16),
            OwnerHost = r.TextOrNull(17),
            OwnerInstance = r.TextOrNull(18),
        };

        internal static List<DeploymentRecord> ReadRecords(DbConnection conn, string whereAndOrder,
            DbTransaction? tx, params (string Name, object? Value)[] parameters)
        {
            var list = new List<DeploymentRecord>();
            using var r = new DataReaderRows(Command(conn, $"SELECT {Columns} FROM deployments {whereAndOrder}", tx, parameters));
            while (r.Read())
            {
                list.Add(ReadRecord(r));
            }
            return list;
        }

        /// <summary>Builds "col = @col AND ..." for the filters that are set.</summary>
        internal static string Where(List<(string, object?)> parameters, params (string Column, object? Value)[] filters)
        {
            var sb = new StringBuilder();
            foreach ((string column, object? value) in filters)
            {
                if (value == null)
                {
                    continue;
                }
                string name = "@" + column;
                sb.Append(sb.Length == 0 ? "WHERE " : " AND ").Append(column).Append(" = ").Append(name);
                parameters.Add((name, value));
            }
            return sb.ToString();
        }
    }
}
