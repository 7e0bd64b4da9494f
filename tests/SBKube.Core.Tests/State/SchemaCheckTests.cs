using System;
using System.IO;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using SBKube.Core.State;
using SBKube.Core.State.Backends;
using SBKube.Core.Tests.Ops;
using Xunit;

namespace SBKube.Core.Tests.State
{
    /// <summary>Files another tool changed, corrupt files and full disks: clear errors, files untouched.</summary>
    public sealed class SchemaCheckTests : IDisposable
    {
        private readonly OpsDb _db = new OpsDb();

        public void Dispose() => _db.Dispose();

        private byte[] Hash(string path)
        {
            SqliteConnection.ClearAllPools();
            return SHA256.HashData(File.ReadAllBytes(path));
        }

        [Fact]
        public void A_negative_user_version_is_InvalidSchema_and_the_file_is_untouched()
        {
            OpsDb.Exec(_db.StatePath, "PRAGMA user_version = -1");
            byte[] before = Hash(_db.StatePath);
            StateStoreException e = Assert.Throws<StateStoreException>(() => StateStore.Open(_db.StatePath));
            Assert.Equal(StateStoreErrorKind.InvalidSchema, e.Kind);
            Assert.Contains("schema version -1", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, Hash(_db.StatePath));
        }

        [Theory]
        [InlineData("DROP TABLE locks", "table 'locks'")]
        [InlineData("ALTER TABLE deployments DROP COLUMN owner_host", "column 'deployments.owner_host'")]
        public void A_current_version_with_a_table_or_column_missing_is_InvalidSchema_on_open(string change, string named)
        {
            OpsDb.Exec(_db.StatePath, change);
            byte[] before = Hash(_db.StatePath);
            StateStoreException e = Assert.Throws<StateStoreException>(() => StateStore.Open(_db.StatePath));
            Assert.Equal(StateStoreErrorKind.InvalidSchema, e.Kind);
            Assert.Contains(named, e.Message, StringComparison.Ordinal);
            Assert.Equal(before, Hash(_db.StatePath));
        }

        [Fact]
        public void An_older_version_with_a_table_missing_is_refused_before_anything_is_migrated()
        {
            OpsDb.Exec(_db.StatePath, "DROP TABLE sbkube_settings; DROP TABLE locks; PRAGMA user_version = 1");
            byte[] before = Hash(_db.StatePath);
            StateStoreException e = Assert.Throws<StateStoreException>(() => StateStore.Open(_db.StatePath));
            Assert.Equal(StateStoreErrorKind.InvalidSchema, e.Kind);
            Assert.Contains("says schema version 1 but lacks table 'locks'", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, Hash(_db.StatePath));
        }

        [Fact]
        public void A_version_1_store_migrates_and_gets_a_fingerprint_key_of_its_own()
        {
            // Made by the migrations themselves up to version 1, as SBKube's first schema wrote it.
            string path = _db.File("v1.db");
            using (var conn = new SqliteConnection("Data Source=" + path))
            {
                conn.Open();
                using var tx = conn.BeginTransaction();
                SBKube.Core.State.Backends.SqliteMigrations.Apply(conn, tx, 0, 1);
                StateStore.Execute(conn, "INSERT INTO deployments (namespace, app, revision, status) VALUES ('ns', 'app', 1, 'deployed'); " +
                    "PRAGMA user_version = 1", tx);
                tx.Commit();
            }
            SqliteConnection.ClearAllPools();

            StateStore store = StateStore.Open(path);

            Assert.Equal((long)StateStore.SchemaVersion, OpsDb.Count(path, "PRAGMA user_version"));
            Assert.Equal(32, store.FingerprintKey()!.Length);
            Assert.Single(store.History("ns", "app"));
            Assert.Equal(2, store.BeginDeployment(new NewDeployment { Namespace = "ns", App = "app", ReleaseName = "app" }).Revision);
        }

        [Fact]
        public void Every_store_has_its_own_fingerprint_key_and_keeps_it()
        {
            byte[] first = _db.Store.FingerprintKey()!;
            using var other = new OpsDb();
            Assert.Equal(32, first.Length);
            Assert.NotEqual(first, other.Store.FingerprintKey());
            SqliteConnection.ClearAllPools();
            Assert.Equal(first, StateStore.Open(_db.StatePath).FingerprintKey());
        }

        [Fact]
        public void Restore_refuses_a_file_without_the_locks_table_and_keeps_the_current_database()
        {
            _db.Deploy("ns", "app");
            string source = _db.File("no-locks.db");
            StateStore.Open(source);
            OpsDb.Exec(source, "DROP TABLE locks");
            byte[] before = Hash(_db.StatePath);
            StateStoreException e = Assert.Throws<StateStoreException>(() => StateStore.Restore(source, _db.StatePath));
            Assert.Equal(StateStoreErrorKind.InvalidSchema, e.Kind);
            Assert.Contains(source, e.Message, StringComparison.Ordinal);
            Assert.Equal(before, Hash(_db.StatePath));
        }

        [Fact]
        public void After_corruption_is_seen_nothing_more_is_written()
        {
            for (int i = 0; i < 300; i++)
            {
                _db.Deploy("ns", "app" + (i % 7));
            }
            SqliteConnection.ClearAllPools();
            StateStore store = StateStore.Open(_db.StatePath);
            // Scribble over every page but the first (the header), as a failing disk would.
            using (var f = new FileStream(_db.StatePath, FileMode.Open, FileAccess.Write))
            {
                byte[] junk = new byte[f.Length - 4096];
                new Random(7).NextBytes(junk);
                f.Seek(4096, SeekOrigin.Begin);
                f.Write(junk, 0, junk.Length);
            }
            byte[] before = Hash(_db.StatePath);

            StateStoreException read = Assert.Throws<StateStoreException>(() => store.List());
            Assert.Equal(StateStoreErrorKind.Corrupt, read.Kind);
            StateStoreException write = Assert.Throws<StateStoreException>(() =>
                store.BeginDeployment(new NewDeployment { Namespace = "ns", App = "new", ReleaseName = "new" }));
            Assert.Equal(StateStoreErrorKind.Corrupt, write.Kind);
            Assert.Equal(before, Hash(_db.StatePath));
        }

        [Fact]
        public void Once_a_store_saw_corruption_it_refuses_every_write_before_touching_the_file()
        {
            var backend = new SqliteBackend(_db.StatePath);
            backend.Translate(new SqliteException("database disk image is malformed", 11));
            StateStoreException e = Assert.Throws<StateStoreException>(() => backend.Run(conn => backend.BeginWrite(conn)));
            Assert.Equal(StateStoreErrorKind.Corrupt, e.Kind);
            Assert.Contains("nothing more is written", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_full_disk_says_so_and_names_the_folder()
        {
            var backend = new SqliteBackend(_db.StatePath);
            var e = (StateStoreException)backend.Translate(new SqliteException("database or disk is full", 13));
            Assert.Equal(StateStoreErrorKind.DiskFull, e.Kind);
            Assert.Contains("The disk holding '" + Path.GetDirectoryName(_db.StatePath) + "' is full", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_disk_io_error_with_no_room_left_is_a_full_disk_and_with_room_an_io_error()
        {
            // SQLite reports a WAL write that found no space as "disk I/O error" (10), not as full (13).
            var full = new SqliteBackend(_db.StatePath) { FreeSpace = _ => 4096 };
            var e = (StateStoreException)full.Translate(new SqliteException("disk I/O error", 10));
            Assert.Equal(StateStoreErrorKind.DiskFull, e.Kind);
            Assert.Contains("is full", e.Message, StringComparison.Ordinal);

            var roomy = new SqliteBackend(_db.StatePath) { FreeSpace = _ => 10L * 1024 * 1024 * 1024 };
            Assert.Equal(StateStoreErrorKind.Io, ((StateStoreException)roomy.Translate(new SqliteException("disk I/O error", 10))).Kind);
            var unknown = new SqliteBackend(_db.StatePath) { FreeSpace = _ => null };
            Assert.Equal(StateStoreErrorKind.Io, ((StateStoreException)unknown.Translate(new SqliteException("disk I/O error", 10))).Kind);
        }
    }
}
