using System;
using System.IO;

namespace SBKube.Core.State
{
    /// <summary>
    /// An empty store in a private temporary folder, for a plan (-WhatIf) on a machine whose SQLite store does
    /// not exist yet: the plan reads "nothing deployed" from it, and no file, folder or table appears where
    /// the real store will be. Deleted when disposed.
    /// </summary>
    public sealed class ScratchStore : IDisposable
    {
        private readonly string _dir;

        private ScratchStore(string dir, StateStore store)
        {
            _dir = dir;
            Store = store;
        }

        public StateStore Store { get; }

        /// <summary>A scratch store when <paramref name="location"/> is an SQLite file that does not exist; else null.</summary>
        public static ScratchStore? IfMissing(StateLocation location)
        {
            if (location.IsPostgres || File.Exists(Path.GetFullPath(location.Path ?? StateStore.DefaultPath())))
            {
                return null;
            }
            string dir = Path.Combine(Path.GetTempPath(), "sbkube-plan-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(dir);
            UnixPermissions.Set(dir, Convert.ToInt32("700", 8));
            return new ScratchStore(dir, StateStore.Open(Path.Combine(dir, "state.db")));
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp folder, empty of anything secret; the OS clears it.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
