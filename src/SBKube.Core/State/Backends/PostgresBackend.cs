using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using Npgsql;

namespace SBKube.Core.State.Backends
{
    /// <summary>
    /// Team state on PostgreSQL. A write transaction first takes a transaction-scoped advisory lock
    /// keyed by the schema: writers of one team's state go one at a time across every host (as
    /// SQLite's write lock does on one), while another team's schema is not held up. Once the store
    /// has been reached, a lost connection (server restart, failover) is retried for a while.
    /// </summary>
    internal sealed class PostgresBackend : IStateBackend
    {
        /// <summary>PostgreSQL 12 or newer (identity columns, deferrable exclusion constraints, RETURNING).</summary>
        private const int MinimumServerVersion = 120000;
        /// <summary>First key of SBKube's advisory locks ("SBK"), so they cannot meet another application's.</summary>
        private const int AdvisoryLockClass = 0x53424B;
        private static readonly TimeSpan ReconnectBudget = TimeSpan.FromSeconds(45);

        private readonly PostgresConnection _connection;
        private readonly int _schemaKey;
        private int _reached;

        internal PostgresBackend(PostgresConnection connection)
        {
            _connection = connection;
            _schemaKey = StableHash(connection.Schema);
        }

        public string Name => "postgres";

        public bool TimeColumnsKeepText => false;

        public string Location => _connection.Display;

        public string Schema => _connection.Schema;

        public IReadOnlyList<string> Warnings => Array.Empty<string>();

        public void Initialize(StateStore store, bool mustExist)
        {
            Run(conn =>
            {
                int server = Convert.ToInt32(StateStore.Scalar(conn, "SHOW server_version_num"), CultureInfo.InvariantCulture);
                if (server < MinimumServerVersion)
                {
                    throw new StateStoreException(StateStoreErrorKind.UnsupportedServer, Location,
                        $"The PostgreSQL server at {Location} runs version {server / 10000}.{server % 10000}; SBKube needs PostgreSQL 12 or newer.");
                }
                int found = ReadVersion(conn, null);
                if (found == PostgresMigrations.Latest)
                {
                    return 0;
                }
                if (found == 0 && mustExist)
                {
                    throw new StateStoreException(StateStoreErrorKind.NotFound, Location,
                        $"There is no SBKube state in schema '{Schema}' at {Location} yet (nothing was deployed with it, or the " +
                        "schema is mistyped); the first apply creates it.", next: new NextStep(NextStepKind.CheckStateConnection));
                }
                using (DbTransaction tx = BeginWrite(conn))
                {
                    // Read again under the write lock: another host may have migrated meanwhile.
                    int version = ReadVersion(conn, tx);
                    if (version < PostgresMigrations.Latest)
                    {
                        if (StateStore.Scalar(conn, "SELECT 1 FROM pg_namespace WHERE nspname = @s", tx, ("@s", Schema)) == null)
                        {
                            StateStore.Execute(conn, $"CREATE SCHEMA {Schema}", tx);
                        }
                        StateStore.Execute(conn, "CREATE TABLE IF NOT EXISTS sbkube_schema_version (version integer NOT NULL)", tx);
                        for (int v = version; v < PostgresMigrations.Latest; v++)
                        {
                            StateStore.Execute(conn, PostgresMigrations.Steps[v], tx);
                        }
                        StoreSettings.Seed(conn, tx);
                        StateStore.Execute(conn, "DELETE FROM sbkube_schema_version", tx);
                        StateStore.Execute(conn, "INSERT INTO sbkube_schema_version (version) VALUES (@v)", tx, ("@v", PostgresMigrations.Latest));
                    }
                    tx.Commit();
                }
                return 0;
            });
        }

        /// <summary>0 when the schema or its version table does not exist yet.</summary>
        private int ReadVersion(DbConnection conn, DbTransaction? tx)
        {
            object? table = StateStore.Scalar(conn,
                "SELECT 1 FROM pg_tables WHERE schemaname = @s AND tablename = 'sbkube_schema_version'", tx, ("@s", Schema));
            if (table == null)
            {
                return 0;
            }
            object? value = StateStore.Scalar(conn, "SELECT MAX(version) FROM sbkube_schema_version", tx);
            int version = value == null ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);
            if (version > PostgresMigrations.Latest)
            {
                throw new StateStoreException(StateStoreErrorKind.NewerSchema, Location,
                    $"The state in {Location} has schema version {version}, newer than the {PostgresMigrations.Latest} this SBKube supports. " +
                    "Upgrade SBKube; the database was left untouched.");
            }
            return version;
        }

        public T Run<T>(Func<DbConnection, T> work, bool retry = true)
        {
            var clock = Stopwatch.StartNew();
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    using var conn = new NpgsqlConnection(_connection.ConnectionString);
                    conn.Open();
                    T result = work(conn);
                    Interlocked.Exchange(ref _reached, 1);
                    return result;
                }
                // A server that was never reached fails at once; one that answered (here, or by ending a pooled
                // connection of an earlier command in this process) is given time to come back.
                catch (Exception e) when (retry && IsConnectionLoss(e) && (Volatile.Read(ref _reached) == 1 || e is PostgresException)
                    && clock.Elapsed < ReconnectBudget)
                {
                    // Pooled connections to a restarted server are all dead: start over with fresh ones.
                    NpgsqlConnection.ClearAllPools();
                    // Back off while the server comes back; a sync wait because the store's API is synchronous.
                    Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * attempt * attempt)));
                }
                catch (Exception e) when (e is NpgsqlException || e is SocketException || e is TimeoutException)
                {
                    throw Translate(e);
                }
            }
        }

        public DbTransaction BeginWrite(DbConnection conn)
        {
            DbTransaction tx = conn.BeginTransaction(IsolationLevel.ReadCommitted);
            StateStore.Execute(conn, "SELECT pg_advisory_xact_lock(@c, @k)", tx, ("@c", AdvisoryLockClass), ("@k", _schemaKey));
            return tx;
        }

        public IRowReader Query(DbConnection conn, string sql, (string Name, object? Value)[] parameters) =>
            new DataReaderRows(StateStore.Command(conn, sql, null, parameters));

        public DbTransaction BeginRead(DbConnection conn) => conn.BeginTransaction(IsolationLevel.RepeatableRead);

        public void AfterWrite(DbConnection conn)
        {
            // Nothing to do: PostgreSQL's own WAL makes the commit durable.
        }

        // PostgreSQL marks deleted rows and leaves index entries to vacuum: nothing to gain by dropping indexes.
        public void BulkDelete(DbConnection conn, DbTransaction tx, string table, Action delete) => delete();

        public void AfterPrune(DbConnection conn)
        {
            // Autovacuum reclaims the space.
        }

        public object Time(DateTime utc) => DateTime.SpecifyKind(utc.ToUniversalTime(), DateTimeKind.Utc);

        public long DatabaseBytes(DbConnection conn) => Convert.ToInt64(StateStore.Scalar(conn,
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = @s AND c.relkind = 'r'", null, ("@s", Schema)), CultureInfo.InvariantCulture);

        private static bool IsConnectionLoss(Exception e) => e switch
        {
            PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                || pg.SqlState == "57P01" || pg.SqlState == "57P02" || pg.SqlState == "57P03",
            NpgsqlException n => n.IsTransient || n.InnerException is IOException || n.InnerException is SocketException,
            _ => false,
        };

        private Exception Translate(Exception e)
        {
            string where = Location;
            string server = $"{_connection.Builder.Host}:{_connection.Builder.Port}";
            if (e is PostgresException pg)
            {
                switch (pg.SqlState)
                {
                    case "28P01":
                    case "28000":
                        return new StateStoreException(StateStoreErrorKind.AuthenticationFailed, where,
                            $"PostgreSQL at {server} refused user '{_connection.Builder.Username}': {pg.MessageText}. " +
                            "Check the password (PGPASSWORD, a passfile, or the connection) and pg_hba.conf.", e);
                    case "3D000":
                        return new StateStoreException(StateStoreErrorKind.DatabaseMissing, where,
                            $"PostgreSQL at {server} has no database '{_connection.Builder.Database}'. Create it first, for example " +
                            $"createdb -h {_connection.Builder.Host} -p {_connection.Builder.Port} -O {_connection.Builder.Username} {_connection.Builder.Database}; " +
                            "SBKube creates its schema and tables itself.", e);
                    case "42501":
                        return new StateStoreException(StateStoreErrorKind.PermissionDenied, where,
                            $"PostgreSQL role '{_connection.Builder.Username}' lacks a privilege on {where}: {pg.MessageText}. " +
                            $"SBKube needs CREATE on the database (or an existing schema '{Schema}' it owns), then SELECT, INSERT, " +
                            "UPDATE and DELETE on its tables.", e);
                    default:
                        return new StateStoreException(StateStoreErrorKind.Io, where,
                            $"State database {where}: {pg.SqlState}: {pg.MessageText}", e);
                }
            }
            Exception root = Innermost(e);
            if (!(root is SocketException || root is IOException || root is TimeoutException))
            {
                bool password = root.Message.IndexOf("password", StringComparison.OrdinalIgnoreCase) >= 0;
                return new StateStoreException(password ? StateStoreErrorKind.AuthenticationFailed : StateStoreErrorKind.Io, where,
                    $"PostgreSQL at {server} for the state in {where}: {root.Message}" +
                    (password ? ". Give the password in PGPASSWORD or a passfile (PGPASSFILE, ~/.pgpass)." : ""), e);
            }
            return new StateStoreException(StateStoreErrorKind.ServerUnreachable, where,
                $"Cannot reach the PostgreSQL server at {server} for the state in {where}: {root.Message}. " +
                "Check that it runs and that host and port are right.", e);
        }

        private static Exception Innermost(Exception e)
        {
            while (e.InnerException != null)
            {
                e = e.InnerException;
            }
            return e;
        }

        /// <summary>FNV-1a: the same number for a schema on every host and run (string.GetHashCode is randomised).</summary>
        private static int StableHash(string text)
        {
            unchecked
            {
                uint h = 2166136261;
                foreach (char c in text)
                {
                    h = (h ^ c) * 16777619;
                }
                return (int)h;
            }
        }
    }
}
