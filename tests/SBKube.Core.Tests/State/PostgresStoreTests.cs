using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Npgsql;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.State
{
    /// <summary>
    /// The store on the Test task's throwaway PostgreSQL server (SBKUBE_TEST_PG_URI, password in
    /// PGPASSWORD); each test in a schema of its own. Skipped when no server was started.
    /// </summary>
    public sealed class PostgresStoreTests : IDisposable
    {
        private static readonly string? Uri = Environment.GetEnvironmentVariable("SBKUBE_TEST_PG_URI");
        private readonly string _schema = "x_" + Guid.NewGuid().ToString("N").Substring(0, 12);

        private string Connection => $"{Uri}&schema={_schema}";

        private StateStore Open(Func<DateTime>? clock = null) => StateStore.OpenPostgres(Connection, clock);

        private object? Sql(string sql)
        {
            using var conn = new NpgsqlConnection(
                new NpgsqlConnectionStringBuilder(SBKube.Core.State.Backends.PostgresConnection.Parse(Connection).ConnectionString).ConnectionString);
            conn.Open();
            using var cmd = new NpgsqlCommand(sql, conn);
            return cmd.ExecuteScalar();
        }

        public void Dispose()
        {
            if (Uri != null)
            {
                Sql($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
            }
        }

        [PostgresFact]
        public void Opening_creates_the_schema_and_tables_and_stamps_the_version()
        {
            Open();
            Assert.Equal((long)SBKube.Core.State.Backends.PostgresMigrations.Latest, Convert.ToInt64(Sql("SELECT version FROM sbkube_schema_version")));
            Assert.Equal(4L, Convert.ToInt64(Sql(
                $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{_schema}' AND table_name IN ('deployments', 'deployment_history', 'locks', 'sbkube_settings')")));
            Assert.Equal("postgres", Open().Backend);
        }

        [PostgresFact]
        public void A_revision_number_never_overflows_on_PostgreSQL_either()
        {
            StateStore store = Open();
            TempDb.Deploy(store);
            Sql($"UPDATE deployments SET revision = {int.MaxValue}");

            var e = Assert.Throws<StateStoreException>(() => store.BeginDeployment(TempDb.New()));

            Assert.Equal(StateStoreErrorKind.RevisionLimit, e.Kind);
            Assert.Equal(1L, Convert.ToInt64(Sql("SELECT COUNT(*) FROM deployments")));
        }

        [PostgresFact]
        public void A_version_1_schema_migrates_and_gets_a_fingerprint_key_of_its_own()
        {
            StateStore first = Open();
            byte[] key = first.FingerprintKey()!;
            Assert.Equal(32, key.Length);
            Sql("DROP TABLE sbkube_settings");
            Sql("ALTER TABLE deployments DROP COLUMN owner_instance");
            Sql("ALTER TABLE locks DROP COLUMN instance");
            Sql("ALTER TABLE deployment_history DROP COLUMN context, DROP COLUMN namespace, DROP COLUMN app, DROP COLUMN outcome, " +
                "DROP COLUMN error_id, DROP COLUMN host, DROP COLUMN pid, DROP COLUMN ci_run, DROP COLUMN config_commit, " +
                "DROP COLUMN config_dirty, DROP COLUMN helm_version, DROP COLUMN sbkube_version");
            Sql("DROP TABLE revision_counters");
            Sql("UPDATE sbkube_schema_version SET version = 1");

            byte[] again = Open().FingerprintKey()!;

            Assert.Equal((long)SBKube.Core.State.Backends.PostgresMigrations.Latest, Convert.ToInt64(Sql("SELECT version FROM sbkube_schema_version")));
            Assert.Equal(32, again.Length);
            Assert.NotEqual(key, again);
        }

        [PostgresFact]
        public void A_read_of_a_schema_that_does_not_exist_is_NotFound_and_creates_nothing()
        {
            StateStoreException e = Assert.Throws<StateStoreException>(() => StateStore.OpenExisting(StateLocation.Resolve(null, Connection)));
            Assert.Equal(StateStoreErrorKind.NotFound, e.Kind);
            Assert.Contains(_schema, e.Message, StringComparison.Ordinal);
            Assert.Null(Sql($"SELECT 1 FROM pg_namespace WHERE nspname = '{_schema}'"));
            Open();
            Assert.Equal("postgres", StateStore.OpenExisting(StateLocation.Resolve(null, Connection)).Backend);
        }

        [PostgresFact]
        public void A_newer_schema_is_refused_and_left_untouched()
        {
            Open();
            Sql("UPDATE sbkube_schema_version SET version = 99");
            StateStoreException e = Assert.Throws<StateStoreException>(() => Open());
            Assert.Equal(StateStoreErrorKind.NewerSchema, e.Kind);
            Assert.Equal(99L, Convert.ToInt64(Sql("SELECT version FROM sbkube_schema_version")));
        }

        [PostgresFact]
        public void Writers_through_separate_stores_number_one_app_without_gaps_or_duplicates()
        {
            Open();
            var revisions = new ConcurrentBag<int>();
            // Separate stores and connection pools, as separate hosts would have.
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                StateStore store = Open();
                for (int n = 0; n < 5; n++)
                {
                    revisions.Add(TempDb.Deploy(store).Revision);
                }
            });
            Assert.Equal(Enumerable.Range(1, 40), revisions.OrderBy(r => r));
            Assert.Equal(1L, Convert.ToInt64(Sql("SELECT COUNT(*) FROM deployments WHERE status = 'deployed'")));
            Assert.Equal(40, Open().History("state-demo", "redis").Last().Revision);
        }

        [PostgresFact]
        public void Records_round_trip_with_utc_times()
        {
            var at = new DateTime(2025, 10, 24, 10, 0, 0, 123, DateTimeKind.Utc);
            StateStore store = Open(() => at);
            DeploymentRecord r = TempDb.Deploy(store, description: "Initial deployment");
            DeploymentRecord back = store.Get("state-demo", "redis", 1)!;
            Assert.Equal(at, back.DeployedAtUtc);
            Assert.Equal(DateTimeKind.Utc, back.DeployedAtUtc.Kind);
            Assert.Equal(r.Id, back.Id);
            Assert.Equal("redis-17.13.2", back.Chart);
            Assert.Equal(DeploymentStatus.Deployed, back.Status);
            Assert.Equal("Initial deployment", back.Description);
        }

        [PostgresFact]
        public void The_seeds_delete_by_date_leaves_the_store_working()
        {
            var now = new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc);
            StateStore store = Open(() => now);
            TempDb.Deploy(store);
            now = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
            TempDb.Deploy(store);
            Sql("DELETE FROM deployments WHERE deployed_at < '2025-01-01'");
            Assert.Equal(2, store.List().Single().Revision);
            Assert.Equal(3, TempDb.Deploy(store).Revision);
        }

        [PostgresFact]
        public void Prune_keeps_the_deployed_revision_and_reports_what_it_removed()
        {
            var now = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            StateStore store = Open(() => now);
            for (int i = 0; i < 5; i++)
            {
                TempDb.Deploy(store);
                now = now.AddDays(1);
            }
            PruneSummary removed = Assert.Single(store.PruneBySummary(new PruneRequest { KeepLast = 2 }));
            Assert.Equal((3, 1, 3), (removed.Revisions, removed.FirstRevision, removed.LastRevision));
            Assert.Equal(new[] { 4, 5 }, store.History("state-demo", "redis").Select(r => r.Revision));
            Assert.Equal(0L, Convert.ToInt64(Sql("SELECT COUNT(*) FROM deployment_history WHERE deployment_id NOT IN (SELECT id FROM deployments)")));
        }
    }

    /// <summary>A fact that needs the Test task's PostgreSQL server.</summary>
    public sealed class PostgresFactAttribute : FactAttribute
    {
        public PostgresFactAttribute()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SBKUBE_TEST_PG_URI")))
            {
                Skip = "No PostgreSQL server: run through ./build.ps1 -Task Test, which starts one (SBKUBE_TEST_PG_URI).";
            }
        }
    }
}
