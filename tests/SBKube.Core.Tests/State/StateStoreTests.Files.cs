using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.State
{
    /// <summary>Several writers at once, the WAL, files that are not ours, and file permissions.</summary>
    public sealed partial class StateStoreTests
    {
        [Fact]
        public void ConcurrentWriters_OnTheSameApp_GetEveryRevisionExactlyOnce()
        {
            _db.Open();
            const int threads = 8, perThread = 20;
            var errors = new ConcurrentQueue<Exception>();
            var revisions = new ConcurrentBag<int>();
            RunThreads(threads, t =>
            {
                StateStore store = _db.Open(); // like separate processes: own StateStore each
                for (int i = 0; i < perThread; i++)
                {
                    DeploymentRecord p = store.BeginDeployment(TempDb.New());
                    revisions.Add(p.Revision);
                    store.FinishDeployment(p.Id, DeploymentStatus.Deployed, p.Revision, "t" + t, HistoryAction.Upgrade);
                }
            }, errors);

            Assert.Empty(errors);
            Assert.Equal(Enumerable.Range(1, threads * perThread), revisions.OrderBy(r => r));
            StateStore check = _db.Open();
            IReadOnlyList<DeploymentRecord> rows = check.History("state-demo", "redis");
            Assert.Equal(Enumerable.Range(1, threads * perThread), rows.Select(r => r.Revision));
            Assert.Single(rows, r => r.Status == DeploymentStatus.Deployed);
            Assert.Equal(threads * perThread, check.HistoryEntries().Count);
        }

        [Fact]
        public void ConcurrentWriters_OnDifferentApps_NumberEachAppFromOne()
        {
            StateStore shared = _db.Open();
            const int threads = 8, perThread = 20;
            var errors = new ConcurrentQueue<Exception>();
            RunThreads(threads, t =>
            {
                for (int i = 0; i < perThread; i++)
                {
                    // One shared StateStore, as the parallel apply uses it.
                    DeploymentRecord p = shared.BeginDeployment(TempDb.New("app" + t));
                    shared.FinishDeployment(p.Id, DeploymentStatus.Deployed, p.Revision, null, HistoryAction.Upgrade);
                    shared.List(ns: "state-demo", latestOnly: true);
                }
            }, errors);

            Assert.Empty(errors);
            for (int t = 0; t < threads; t++)
            {
                IReadOnlyList<DeploymentRecord> rows = shared.History("state-demo", "app" + t);
                Assert.Equal(Enumerable.Range(1, perThread), rows.Select(r => r.Revision));
                Assert.Single(rows, r => r.Status == DeploymentStatus.Deployed);
            }
        }

        [Fact]
        public void ConcurrentFirstOpen_OfAFreshDatabase_Succeeds()
        {
            var errors = new ConcurrentQueue<Exception>();
            using var start = new ManualResetEventSlim(false);
            RunThreads(8, t =>
            {
                start.Wait();
                StateStore store = StateStore.Open(_db.DbPath);
                store.BeginDeployment(TempDb.New("app" + t));
            }, errors, () => start.Set());

            Assert.Empty(errors);
            StateStore check = _db.Open();
            Assert.Equal(8, check.List().Count);
            Assert.Equal((long)StateStore.SchemaVersion, Convert.ToInt64(_db.Scalar("PRAGMA user_version")));
        }

        private static void RunThreads(int count, Action<int> body, ConcurrentQueue<Exception> errors, Action? afterStart = null)
        {
            var threads = Enumerable.Range(0, count).Select(t => new Thread(() =>
            {
                try
                {
                    body(t);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            })).ToList();
            threads.ForEach(th => th.Start());
            afterStart?.Invoke();
            threads.ForEach(th => Assert.True(th.Join(TimeSpan.FromMinutes(2)), "a writer thread hung"));
            if (!errors.IsEmpty)
            {
                // Show what went wrong ("database is locked" etc.) in the failure message.
                Assert.Fail(string.Join("\n", errors.Select(e => e.GetType().Name + ": " + e.Message).Distinct()));
            }
        }

        [Fact]
        public void AfterAWrite_TheWalIsCheckpointed_AndACopyOfStateDbAloneIsComplete()
        {
            StateStore store = _db.Open();
            TempDb.Deploy(store);
            TempDb.Deploy(store);
            TempDb.Deploy(store, "postgres");

            string wal = _db.DbPath + "-wal";
            long walBytes = File.Exists(wal) ? new FileInfo(wal).Length : 0;
            Assert.True(walBytes == 0, $"WAL not checkpointed: {walBytes} bytes");

            string copy = Path.Combine(_db.Dir, "backup.db");
            File.Copy(_db.DbPath, copy);
            Assert.False(File.Exists(copy + "-wal"));
            StateStore restored = StateStore.Open(copy);
            Assert.Equal(3, restored.List().Count);
            Assert.Equal(3, restored.HistoryEntries().Count);
            Assert.Equal(2, restored.GetDeployed("state-demo", "redis")!.Revision);
        }

        [Fact]
        public void NotAnSqliteFile_IsRejected_AndLeftUntouched()
        {
            byte[] content = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("this is not a database, just text\n", 64)));
            File.WriteAllBytes(_db.DbPath, content);
            DateTime before = File.GetLastWriteTimeUtc(_db.DbPath);

            StateStoreException e = Assert.Throws<StateStoreException>(() => StateStore.Open(_db.DbPath));

            Assert.Equal(StateStoreErrorKind.NotADatabase, e.Kind);
            Assert.Equal(_db.DbPath, e.Path);
            Assert.Contains(_db.DbPath, e.Message);
            Assert.Equal(content, File.ReadAllBytes(_db.DbPath));
            Assert.Equal(before, File.GetLastWriteTimeUtc(_db.DbPath));
        }

        [Fact]
        public void NewerSchema_IsRejected_AndLeftUntouched()
        {
            using (SqliteConnection conn = new SqliteConnection($"Data Source={_db.DbPath};Pooling=False"))
            {
                conn.Open();
                using SqliteCommand cmd = conn.CreateCommand();
                cmd.CommandText = "CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('keep'); PRAGMA user_version = 99;";
                cmd.ExecuteNonQuery();
            }
            byte[] content = File.ReadAllBytes(_db.DbPath);

            StateStoreException e = Assert.Throws<StateStoreException>(() => StateStore.Open(_db.DbPath));

            Assert.Equal(StateStoreErrorKind.NewerSchema, e.Kind);
            Assert.Contains("99", e.Message);
            Assert.Equal(content, File.ReadAllBytes(_db.DbPath));
            Assert.Equal(99L, Convert.ToInt64(_db.Scalar("PRAGMA user_version")));
            Assert.Null(_db.Scalar("SELECT name FROM sqlite_master WHERE name = 'deployments'"));
        }

        [Fact]
        public void SeedDelete_WithoutForeignKeys_LeavesReadersWorking()
        {
            StateStore store = _db.Open();
            _db.Now = new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc);
            TempDb.Deploy(store);
            TempDb.Deploy(store, description: "old");
            _db.Now = new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc);
            TempDb.Deploy(store, action: HistoryAction.Upgrade);
            TempDb.Deploy(store, "postgres");

            // Exactly what the seed tells users to run in the sqlite3 CLI (foreign keys off there).
            int deleted = _db.Execute("DELETE FROM deployments WHERE deployed_at < '2025-01-01';");
            Assert.Equal(2, deleted);
            Assert.Equal(4L, Convert.ToInt64(_db.Scalar("SELECT COUNT(*) FROM deployment_history")));

            Assert.Equal(new[] { 3 }, store.History("state-demo", "redis").Select(r => r.Revision).ToArray());
            Assert.Equal(2, store.List().Count);
            Assert.Equal(2, store.List(latestOnly: true).Count);
            Assert.Equal(3, store.GetDeployed("state-demo", "redis")!.Revision);
            Assert.Equal(4, store.HistoryEntries().Count);
            // The counter continues after the highest remaining revision.
            Assert.Equal(4, store.BeginDeployment(TempDb.New()).Revision);
        }

        [UnixFact]
        public void NewDatabase_GetsPrivateUnixPermissions()
        {
            string dir = Path.Combine(_db.Dir, "nested", ".sbkube");
            string path = Path.Combine(dir, "state.db");
            StateStore store = StateStore.Open(path);
            TempDb.Deploy(store);

#pragma warning disable CA1416 // guarded by UnixFact
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            foreach (string side in new[] { path + "-wal", path + "-shm" }.Where(File.Exists))
            {
                UnixFileMode mode = File.GetUnixFileMode(side);
                Assert.True((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) == 0, $"{side} is readable by others: {mode}");
            }
#pragma warning restore CA1416
        }
    }
}
