using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using Microsoft.Data.Sqlite;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Ops
{
    public class BackupRestoreTests
    {
        [Fact]
        public void Backup_is_consistent_while_another_connection_keeps_writing()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "seed");
            using var stop = new CancellationTokenSource();
            Exception? writerError = null;
            int written = 0;
            // A separate StateStore: its own connections, as another process would have.
            StateStore writerStore = StateStore.Open(db.StatePath);
            var writer = new Thread(() =>
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        db.Deploy("ns", "app" + (written % 3), store: writerStore,
                            status: written % 5 == 4 ? DeploymentStatus.Failed : DeploymentStatus.Deployed);
                        written++;
                    }
                }
                catch (Exception e)
                {
                    writerError = e;
                }
            });
            writer.Start();
            var backups = new List<string>();
            try
            {
                while (Volatile.Read(ref written) < 5)
                {
                    Thread.Sleep(5);
                }
                for (int i = 0; i < 5; i++)
                {
                    string dest = db.File($"backup-{i}.db");
                    db.Store.Backup(dest);
                    backups.Add(dest);
                    Thread.Sleep(10);
                }
            }
            finally
            {
                stop.Cancel();
                writer.Join();
            }
            Assert.Null(writerError);

            foreach (string b in backups)
            {
                Assert.False(File.Exists(b + "-wal"), "the backup must be complete without a -wal file");
                Assert.Equal("ok", Scalar(b, "PRAGMA integrity_check"));
                StateStore copy = StateStore.Open(b);
                foreach ((_, string ns, string app) in copy.Apps())
                {
                    var revisions = copy.History(ns, app);
                    // Every revision from 1 to the last one, each with its history row, one deployed.
                    Assert.Equal(Enumerable.Range(1, revisions.Count), revisions.Select(r => r.Revision));
                    // A backup taken between BeginDeployment and FinishDeployment holds the pending row only.
                    Assert.All(revisions, r => Assert.Equal(DeploymentStatus.IsPending(r.Status) ? 0 : 1,
                        copy.HistoryEntries(r.Id).Count));
                    Assert.Single(revisions, r => r.Status == DeploymentStatus.Deployed);
                }
            }
            int lastCount = StateStore.Open(backups.Last()).List().Count;
            Assert.True(lastCount > 5, $"the last backup should hold the writes made so far, it has {lastCount} rows");
        }

        [Fact]
        public void Backup_refuses_to_overwrite_unless_asked_and_is_private()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "a");
            string dest = db.File("b.db");
            File.WriteAllText(dest, "keep me");

            var e = Assert.Throws<StateStoreException>(() => db.Store.Backup(dest));
            Assert.Contains(dest, e.Message);
            Assert.Equal("keep me", File.ReadAllText(dest));

            FileInfo info = db.Store.Backup(dest, overwrite: true);
            Assert.Equal(dest, info.FullName);
            Assert.Single(StateStore.Open(dest).List());
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dest));
            }
            Assert.Empty(Directory.GetFiles(db.Dir, ".*.tmp*"));
        }

        [Fact]
        public void Backup_into_a_missing_folder_names_it()
        {
            using var db = new OpsDb();
            string dest = Path.Combine(db.Dir, "nope", "b.db");
            var e = Assert.Throws<StateStoreException>(() => db.Store.Backup(dest));
            Assert.Contains(Path.Combine(db.Dir, "nope"), e.Message);
        }

        [Fact]
        public void Restore_replaces_the_database_and_keeps_the_previous_one_as_bak()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "a");
            db.Deploy("ns", "a");
            string backup = db.File("good.db");
            db.Store.Backup(backup);
            db.Deploy("ns", "a");
            db.Deploy("ns", "b");

            RestoreResult result = StateStore.Restore(backup, db.StatePath);

            Assert.Equal(db.StatePath + ".bak", result.BackupPath);
            Assert.Equal(2, result.Revisions);
            Assert.Equal(StateStore.SchemaVersion, result.SourceSchemaVersion);
            StateStore restored = StateStore.Open(db.StatePath);
            Assert.Equal(new[] { 1, 2 }, restored.List().Select(r => r.Revision));
            StateStore previous = StateStore.Open(db.StatePath + ".bak");
            Assert.Equal(4, previous.List().Count);
            Assert.True(File.Exists(backup), "the source is left in place");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(db.StatePath));
            }
            // Writable afterwards, and revision 3 of a stays used: the replaced database gave it to another change.
            Assert.Equal(4, db.Deploy("ns", "a", store: restored).Revision);
            Assert.Equal(2, db.Deploy("ns", "b", store: restored).Revision);
            Assert.Empty(Directory.GetFiles(db.Dir, ".*.tmp*"));
        }

        [Fact]
        public void Restore_removes_stale_wal_and_shm_of_the_old_database()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "a");
            string backup = db.File("good.db");
            db.Store.Backup(backup);
            db.Deploy("ns", "a");
            // Leftovers of a crashed process: they would otherwise be replayed onto the restored file.
            File.WriteAllBytes(db.StatePath + "-shm", new byte[32768]);
            File.WriteAllBytes(db.StatePath + "-wal", new byte[0]);

            StateStore.Restore(backup, db.StatePath);

            Assert.False(File.Exists(db.StatePath + "-wal") && new FileInfo(db.StatePath + "-wal").Length > 0);
            Assert.False(File.Exists(db.StatePath + "-shm"));
            Assert.Single(StateStore.Open(db.StatePath).List());
        }

        [Fact]
        public void Restore_into_a_fresh_location_needs_no_previous_database()
        {
            using var db = new OpsDb();
            db.Deploy("ns", "a");
            string backup = db.File("good.db");
            db.Store.Backup(backup);
            string target = Path.Combine(db.Dir, "new-home", "state.db");

            RestoreResult result = StateStore.Restore(backup, target);

            Assert.Null(result.BackupPath);
            Assert.Single(StateStore.Open(target).List());
        }

        [Fact]
        public void Restore_refuses_a_file_that_is_not_sqlite()
        {
            using var db = new OpsDb();
            string junk = db.File("junk.db");
            File.WriteAllText(junk, new string('z', 5000));
            AssertRefused(db, junk, StateStoreErrorKind.NotADatabase, "not a readable SQLite database");
        }

        [Fact]
        public void Restore_refuses_a_newer_schema_version()
        {
            using var db = new OpsDb();
            string newer = db.File("newer.db");
            db.Store.Backup(newer);
            OpsDb.Exec(newer, $"PRAGMA user_version = {StateStore.SchemaVersion + 1}");
            AssertRefused(db, newer, StateStoreErrorKind.NewerSchema, $"schema version {StateStore.SchemaVersion + 1}");
        }

        [Fact]
        public void Restore_refuses_an_sqlite_file_without_the_deployments_table()
        {
            using var db = new OpsDb();
            string other = db.File("other.db");
            OpsDb.Exec(other, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('hi');");
            AssertRefused(db, other, StateStoreErrorKind.NotADatabase, "'deployments'");
        }

        [Fact]
        public void A_database_with_the_seeds_draft_schema_is_migrated_or_refused_clearly()
        {
            using var db = new OpsDb();
            string seed = db.File("seed.db");
            OpsDb.WriteSeedDraftDatabase(seed);
            db.Deploy("ns", "current");
            byte[] before = Hash(db.StatePath);
            try
            {
                StateStore.Restore(seed, db.StatePath);
                // A migration for the seed's schema exists: the row must have come through.
                Assert.Equal("redis", StateStore.Open(db.StatePath).List().Single().App);
            }
            catch (StateStoreException e)
            {
                Assert.Contains(seed, e.Message);
                Assert.Contains("missing: context", e.Message);
                Assert.Contains("left unchanged", e.Message);
                Assert.Equal(before, Hash(db.StatePath));
            }
        }

        [Fact]
        public void Restore_refuses_a_missing_source()
        {
            using var db = new OpsDb();
            AssertRefused(db, db.File("missing.db"), StateStoreErrorKind.NotFound, "does not exist");
        }

        [Fact]
        public void Restore_refuses_a_damaged_file()
        {
            using var db = new OpsDb();
            for (int i = 0; i < 30; i++)
            {
                db.Deploy("ns", "a", password: new string('p', 2000));
            }
            string damaged = db.File("damaged.db");
            db.Store.Backup(damaged);
            byte[] bytes = File.ReadAllBytes(damaged);
            // Scribble over the pages after the header page: b-tree pages no longer parse.
            for (int i = 4096; i < bytes.Length; i += 7)
            {
                bytes[i] = 0xA5;
            }
            File.WriteAllBytes(damaged, bytes);

            var e = AssertRefused(db, damaged, null, damaged);
            Assert.True(e.Kind == StateStoreErrorKind.Corrupt || e.Kind == StateStoreErrorKind.NotADatabase, e.Kind.ToString());
        }

        /// <summary>The restore fails with a message naming the file, and the current DB is byte-for-byte unchanged.</summary>
        private static StateStoreException AssertRefused(OpsDb db, string source, StateStoreErrorKind? kind, string messagePart)
        {
            db.Deploy("ns", "current");
            db.Deploy("ns", "current");
            byte[] before = Hash(db.StatePath);

            var e = Assert.Throws<StateStoreException>(() => StateStore.Restore(source, db.StatePath));

            if (kind != null)
            {
                Assert.Equal(kind, e.Kind);
            }
            Assert.Contains(source, e.Message);
            Assert.Contains(messagePart, e.Message);
            Assert.Contains("left unchanged", e.Message);
            Assert.Equal(before, Hash(db.StatePath));
            Assert.False(File.Exists(db.StatePath + ".bak"));
            Assert.Equal("1,2", db.Revisions("ns", "current"));
            Assert.Empty(Directory.GetFiles(db.Dir, ".*.tmp*"));
            return e;
        }

        [Fact]
        public void A_plain_file_copy_between_operations_is_a_complete_backup()
        {
            // The seed: cp ~/.sbkube/state.db backup.db
            using var db = new OpsDb();
            db.Deploy("state-demo", "redis", description: "Initial deployment");
            db.Deploy("state-demo", "redis", description: "Updated values");
            db.Deploy("state-demo", "redis", version: "18.0.0", description: "Upgraded chart");
            db.Deploy("state-demo", "redis", DeploymentStatus.Deployed, action: HistoryAction.Rollback, description: "Rollback to revision 2");
            db.Deploy("production", "myapp");
            db.Store.PruneBySummary(new PruneRequest { Namespace = "nothing-here", KeepLast = 1 });
            string copy = db.File("backup.db");

            File.Copy(db.StatePath, copy);

            StateStore fromCopy = StateStore.Open(copy);
            Assert.Equal(
                db.Store.List().Select(r => (r.Namespace, r.App, r.Revision, r.Status, r.ConfigHash)),
                fromCopy.List().Select(r => (r.Namespace, r.App, r.Revision, r.Status, r.ConfigHash)));
            Assert.Equal(5, fromCopy.List().Count);
            Assert.Equal(5, fromCopy.HistoryEntries().Count);
            Assert.Single(fromCopy.HistoryEntries(action: HistoryAction.Rollback));
            Assert.Equal("ok", Scalar(copy, "PRAGMA integrity_check"));
        }

        private static byte[] Hash(string path) => SHA256.HashData(File.ReadAllBytes(path));

        private static string? Scalar(string path, string sql)
        {
            using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            conn.Open();
            using SqliteCommand cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            return cmd.ExecuteScalar()?.ToString();
        }
    }
}
