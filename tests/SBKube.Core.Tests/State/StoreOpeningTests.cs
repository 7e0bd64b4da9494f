using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using SBKube.Core.State;
using SBKube.Core.Tests.Ops;
using Xunit;

namespace SBKube.Core.Tests.State
{
    /// <summary>
    /// Reads open the store without creating it and keep a copy of a file they migrate; writes sweep
    /// the temp copies killed writers left.
    /// </summary>
    public sealed class StoreOpeningTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "sbkube-open-" + Guid.NewGuid().ToString("N"));

        public StoreOpeningTests() => Directory.CreateDirectory(_dir);

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dir, true);
        }

        [Fact]
        public void A_missing_file_is_NotFound_and_neither_file_nor_folder_is_created()
        {
            string path = Path.Combine(_dir, "typo", "state.db");
            StateStoreException e = Assert.Throws<StateStoreException>(() => StateStore.OpenExisting(StateLocation.Resolve(path, null)));
            Assert.Equal(StateStoreErrorKind.NotFound, e.Kind);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
        }

        [Fact]
        public void A_read_that_migrates_the_seeds_draft_schema_keeps_the_old_file_as_a_copy()
        {
            string seed = Path.Combine(_dir, "state.db");
            OpsDb.WriteSeedDraftDatabase(seed);
            byte[] before = SHA256.HashData(File.ReadAllBytes(seed));

            StateStore store = StateStore.OpenExisting(StateLocation.Resolve(seed, null));

            Assert.Equal("redis", store.List().Single().App);
            string copy = seed + ".v0.bak";
            Assert.True(File.Exists(copy), "the read migrated the file without keeping the old one");
            Assert.Equal(1, OpsDb.Count(copy, "SELECT COUNT(*) FROM deployments WHERE app = 'redis'"));
            Assert.Equal(0, OpsDb.Count(copy, "PRAGMA user_version"));
            Assert.NotEqual(before, SHA256.HashData(File.ReadAllBytes(seed)));
        }

        [Fact]
        public void A_current_file_is_opened_as_it_is_without_a_copy()
        {
            string path = Path.Combine(_dir, "state.db");
            StateStore.Open(path);
            StateStore.OpenExisting(StateLocation.Resolve(path, null));
            Assert.Equal(new[] { "state.db" }, Directory.GetFiles(_dir).Select(Path.GetFileName).Where(f => f!.StartsWith("state.db", StringComparison.Ordinal) && !f.Contains('-')).ToArray());
        }

        [UnixFact]
        public void Opening_for_writing_sweeps_the_temp_copies_of_dead_writers_only()
        {
            string path = Path.Combine(_dir, "state.db");
            StateStore.Open(path);
            string dead = Path.Combine(_dir, ".state.db.2147483000.0badf00d.tmp");
            string deadWal = dead + "-wal";
            string live = Path.Combine(_dir, $".state.db.{System.Environment.ProcessId}.0c0ffee0.tmp");
            foreach (string f in new[] { dead, deadWal, live })
            {
                File.WriteAllText(f, "a full copy of the state");
            }

            StateStore.OpenExisting(StateLocation.Resolve(path, null));
            Assert.True(File.Exists(dead), "a read must not delete anything");

            StateStore.Open(path);
            Assert.False(File.Exists(dead));
            Assert.False(File.Exists(deadWal));
            Assert.True(File.Exists(live), "a copy whose writer still runs was deleted");
        }

        [Fact]
        public void A_draft_schema_table_is_rebuilt_so_a_second_kube_context_can_record_its_revision_1()
        {
            string seed = Path.Combine(_dir, "state.db");
            OpsDb.WriteSeedDraftDatabase(seed);

            StateStore store = StateStore.Open(seed);
            DeploymentRecord other = store.BeginDeployment(new NewDeployment
            {
                Context = "kind-b", Namespace = "state-demo", App = "redis", ReleaseName = "redis", Chart = "redis-17.13.2",
            });

            Assert.Equal(1, other.Revision);
            DeploymentRecord kept = store.History("state-demo", "redis", "").Single();
            Assert.Equal(7, kept.Id);
            Assert.Equal("Initial deployment", store.HistoryEntries(7).Single().Description);
            Assert.Equal(0, OpsDb.Count(seed, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'deployments_draft'"));
            Assert.Equal(1, OpsDb.Count(seed, "SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%UNIQUE(context, namespace, app, revision)%'"));
        }
    }
}
