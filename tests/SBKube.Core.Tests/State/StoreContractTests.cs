using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.State
{
    /// <summary>
    /// What every state backend must do alike, run on each backend this machine has: SQLite always, PostgreSQL when
    /// the Test task started a server (SBKUBE_TEST_PG_URI). A new backend joins by opening itself in <see cref="Open"/>.
    /// </summary>
    public sealed class StoreContractTests : IDisposable
    {
        private static readonly string? PgUri = Environment.GetEnvironmentVariable("SBKUBE_TEST_PG_URI");
        private readonly List<Action> _cleanup = new List<Action>();
        private Action<string>? _sql;
        private DateTime _now = new DateTime(2025, 10, 24, 10, 0, 0, 123, DateTimeKind.Utc);

        public static IEnumerable<object[]> Backends()
        {
            yield return new object[] { "sqlite" };
            if (PgUri != null)
            {
                yield return new object[] { "postgres" };
            }
        }

        /// <summary>A fresh, empty store of the backend, and a way to run SQL on it as its own CLI would.</summary>
        private StateStore Open(string backend)
        {
            if (backend == "sqlite")
            {
                string dir = Path.Combine(Path.GetTempPath(), "sbkube-contract-" + Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(dir);
                _cleanup.Add(() => { SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); });
                string file = Path.Combine(dir, "state.db");
                _sql = sql =>
                {
                    using var conn = new SqliteConnection("Data Source=" + file + ";Pooling=False");
                    conn.Open();
                    using var cmd = new SqliteCommand(sql, conn);
                    cmd.ExecuteNonQuery();
                };
                return StateStore.Open(file, () => _now);
            }
            string schema = "c_" + Guid.NewGuid().ToString("N").Substring(0, 12);
            string connection = $"{PgUri}&schema={schema}";
            _sql = sql =>
            {
                using var conn = new NpgsqlConnection(SBKube.Core.State.Backends.PostgresConnection.Parse(connection).ConnectionString);
                conn.Open();
                using var cmd = new NpgsqlCommand($"SET search_path TO {schema}; {sql}", conn);
                cmd.ExecuteNonQuery();
            };
            _cleanup.Add(() => _sql($"DROP SCHEMA IF EXISTS {schema} CASCADE"));
            return StateStore.OpenPostgres(connection, () => _now);
        }

        public void Dispose() => _cleanup.ForEach(c => c());

        private DeploymentRecord Deploy(StateStore store, string app, string status = DeploymentStatus.Deployed)
        {
            _now = _now.AddMinutes(1);
            DeploymentRecord pending = store.BeginDeployment(new NewDeployment { Namespace = "ns", App = app, ReleaseName = app, Description = "deploy" });
            return store.FinishDeployment(pending.Id, status, pending.Revision, null, HistoryAction.Upgrade);
        }

        private static string WithoutExportTime(string json) => Regex.Replace(json, "\"exported_at\": \"[^\"]*\"", "");

        private static IReadOnlyList<AuditEntry> Audit(StateStore store)
        {
            var rows = new List<AuditEntry>();
            store.StreamAudit(new AuditQuery(), rows.Add);
            return rows;
        }

        [Theory]
        [MemberData(nameof(Backends))]
        public void A_deployed_revision_supersedes_the_one_before_and_a_failed_one_leaves_it_deployed(string backend)
        {
            StateStore store = Open(backend);
            Deploy(store, "a");
            Deploy(store, "a");
            Deploy(store, "a", DeploymentStatus.Failed);

            Assert.Equal(new[] { DeploymentStatus.Superseded, DeploymentStatus.Deployed, DeploymentStatus.Failed },
                store.History("ns", "a").OrderBy(r => r.Revision).Select(r => r.Status));
            Assert.Equal(2, store.GetDeployed("ns", "a")!.Revision);
        }

        [Theory]
        [MemberData(nameof(Backends))]
        public void Revision_numbers_are_never_given_twice_even_after_their_rows_are_deleted_by_hand(string backend)
        {
            StateStore store = Open(backend);
            Deploy(store, "a");
            Deploy(store, "a");
            Deploy(store, "b");
            _sql!("DELETE FROM deployments WHERE app = 'a'");

            Assert.Equal(3, Deploy(store, "a").Revision);
            Assert.Equal(2, Deploy(store, "b").Revision);
        }

        [Theory]
        [MemberData(nameof(Backends))]
        public void An_attempt_Helm_never_recorded_gives_its_number_back_and_stays_on_the_record_with_its_provenance(string backend)
        {
            StateStore store = Open(backend);
            Deploy(store, "a");
            store.Provenance.CiRun = "https://ci.example/run/7";
            store.Provenance.ConfigCommit = "0123abc";
            store.Provenance.ConfigDirty = true;
            store.Provenance.HelmVersion = "v4.1.4";
            DeploymentRecord pending = store.BeginDeployment(new NewDeployment { Namespace = "ns", App = "a", ReleaseName = "a" });
            store.DropAttempt(pending.Id, HistoryAction.Upgrade, "Updated values (FAILED: no chart)", "Helm.ChartNotFound");
            store.Provenance.ConfigDirty = false;
            store.RecordAttempt("", "ns", "a", HistoryAction.Upgrade, "Updated values (CANCELLED: stopped)", AuditOutcome.Cancelled, null);

            Assert.Equal(2, Deploy(store, "a").Revision);
            IReadOnlyList<AuditEntry> attempts = Audit(store).Where(e => e.Revision == null).ToList();
            Assert.Equal(new[] { AuditOutcome.Failed, AuditOutcome.Cancelled }, attempts.Select(e => e.Outcome));
            AuditEntry failed = attempts[0];
            Assert.Equal(("ns", "a", "Helm.ChartNotFound", "https://ci.example/run/7", "0123abc", (bool?)true, "v4.1.4"),
                (failed.Namespace, failed.App, failed.ErrorId, failed.CiRun, failed.ConfigCommit, failed.ConfigDirty, failed.HelmVersion));
            Assert.Equal((CurrentProcess.Host, (int?)CurrentProcess.Id), (failed.Host, failed.ProcessId));
            Assert.False(string.IsNullOrEmpty(failed.SbkubeVersion));
            Assert.Equal((bool?)false, attempts[1].ConfigDirty);
        }

        [Theory]
        [MemberData(nameof(Backends))]
        public void Times_come_back_as_UTC_to_the_millisecond(string backend)
        {
            StateStore store = Open(backend);
            DeploymentRecord written = Deploy(store, "a");

            DeploymentRecord read = store.Get("ns", "a", written.Revision)!;
            Assert.Equal(_now, read.DeployedAtUtc);
            Assert.Equal(DateTimeKind.Utc, read.DeployedAtUtc.Kind);
            Assert.Equal(DateTimeKind.Local, read.DeployedAt.Kind);
            Assert.Equal(_now, Audit(store).Single().TimestampUtc);
        }

        [Theory]
        [MemberData(nameof(Backends))]
        public void An_export_loads_into_a_fresh_store_of_the_same_backend_unchanged_attempts_included(string backend)
        {
            StateStore source = Open(backend);
            Deploy(source, "a");
            Deploy(source, "a", DeploymentStatus.Failed);
            source.RecordAttempt("", "ns", "a", HistoryAction.Upgrade, "Updated values (FAILED: locked)", AuditOutcome.Failed, "LockHeld");
            string json = source.ExportJson();
            StateStore target = Open(backend);

            ImportResult result = target.Import(json);

            Assert.Equal((2, 1), (result.Imported, result.AttemptsImported));
            Assert.Equal(WithoutExportTime(json), WithoutExportTime(target.ExportJson()));
            ImportResult again = target.Import(json);
            Assert.Equal((0, 2, 0, 1), (again.Imported, again.Skipped, again.AttemptsImported, again.AttemptsSkipped));
            Assert.Equal(3, Deploy(target, "a").Revision);
        }
    }
}
